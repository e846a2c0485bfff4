using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>
/// A trigger's <c>correlation</c>: what makes two deliveries the same message. The run id is derived from it, so
/// the store itself answers "did this message already start a run?", across redeliveries and engines.
/// </summary>
internal sealed class CorrelationKey
{
    private readonly CompiledExpression? _expression;

    private CorrelationKey(CompiledExpression? expression) => _expression = expression;

    /// <exception cref="FormatException">The expression does not parse.</exception>
    public static CorrelationKey Create(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return new CorrelationKey(null);
        }

        return new CorrelationKey(CompiledExpression.TryParse(expression, out var error)
            ?? throw new FormatException($"correlation '{expression}' is not a valid expression: {error}"));
    }

    /// <summary>The message's correlation value; null when it has none (no deduplication).</summary>
    /// <exception cref="ExpressionException">The expression failed on this message.</exception>
    public string? Evaluate(TriggerMessage message, string queue, bool redelivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_expression is null)
        {
            // A CloudEvent is unique by source and id (the spec's own rule); an AMQP message by its message-id.
            return message.Event is { } e ? $"{e["source"]}\n{e["id"]}" : Empty(message.MessageId);
        }

        var scope = new ExpressionScope();
        scope.Set("input", message.Input?.DeepClone());
        scope.Set("event", message.Event?.DeepClone());
        scope.Set("message", new JsonObject
        {
            ["id"] = message.MessageId,
            ["queue"] = queue,
            ["redelivered"] = redelivered,
            ["headers"] = message.Headers.DeepClone(),
        });
        return _expression.Evaluate(scope, cancellationToken) switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => Empty(text),
            var other => other.ToJsonString(),
        };
    }

    /// <summary>The run id of a correlation value: 32 hex digits, like the engine's own ids.</summary>
    public static string RunId(string workflow, string correlation)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{workflow}\n{correlation}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
