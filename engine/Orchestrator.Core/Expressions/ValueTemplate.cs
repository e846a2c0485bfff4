using System.Text.Json.Nodes;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// A YAML value that may hold expressions (a <c>with:</c>, <c>set:</c> or <c>output:</c> body), compiled once
/// and evaluated per run into JSON.
/// </summary>
public abstract class ValueTemplate
{
    /// <summary>Produces the value for one evaluation; the result is a fresh node the caller owns.</summary>
    public abstract JsonNode? Evaluate(ExpressionScope scope, CancellationToken cancellationToken);

    /// <summary>A value without expressions.</summary>
    public static ValueTemplate Literal(JsonNode? value) => new LiteralValue(value);

    /// <summary>A compiled expression or text template.</summary>
    public static ValueTemplate Expression(CompiledExpression expression) => new ExpressionValue(expression);

    /// <summary>An object whose members are templates.</summary>
    public static ValueTemplate ObjectOf(IReadOnlyList<KeyValuePair<string, ValueTemplate>> members) =>
        members.All(m => m.Value is LiteralValue)
            ? new LiteralValue(new JsonObject(members.Select(m => KeyValuePair.Create(m.Key, ((LiteralValue)m.Value).Value?.DeepClone()))))
            : new ObjectValue(members);

    /// <summary>An array whose items are templates.</summary>
    public static ValueTemplate ArrayOf(IReadOnlyList<ValueTemplate> items) =>
        items.All(i => i is LiteralValue)
            ? new LiteralValue(new JsonArray([.. items.Select(i => ((LiteralValue)i).Value?.DeepClone())]))
            : new ArrayValue(items);

    private sealed class LiteralValue(JsonNode? value) : ValueTemplate
    {
        public JsonNode? Value { get; } = value;

        public override JsonNode? Evaluate(ExpressionScope scope, CancellationToken cancellationToken) => Value?.DeepClone();
    }

    private sealed class ExpressionValue(CompiledExpression expression) : ValueTemplate
    {
        public override JsonNode? Evaluate(ExpressionScope scope, CancellationToken cancellationToken) =>
            expression.Evaluate(scope, cancellationToken);
    }

    private sealed class ObjectValue(IReadOnlyList<KeyValuePair<string, ValueTemplate>> members) : ValueTemplate
    {
        public override JsonNode? Evaluate(ExpressionScope scope, CancellationToken cancellationToken)
        {
            var result = new JsonObject();
            foreach (var (key, template) in members)
            {
                result[key] = template.Evaluate(scope, cancellationToken);
            }

            return result;
        }
    }

    private sealed class ArrayValue(IReadOnlyList<ValueTemplate> items) : ValueTemplate
    {
        public override JsonNode? Evaluate(ExpressionScope scope, CancellationToken cancellationToken)
        {
            var result = new JsonArray();
            foreach (var item in items)
            {
                result.Add(item.Evaluate(scope, cancellationToken));
            }

            return result;
        }
    }
}
