using Orchestrator.Contracts;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Wire;

namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>Hands a reply message to the engine's <see cref="IInvocationReplies"/> by its <c>type</c> property.</summary>
internal static class ReplyReader
{
    public static ValueTask DeliverAsync(IInvocationReplies replies, string? type, ReadOnlySpan<byte> body, TransportLog log, CancellationToken cancellationToken)
    {
        string? error;
        if (type == MessageTypes.FunctionCompleted)
        {
            if (WireJson.TryReadFunctionCompleted(body, out error) is { } completed)
            {
                return replies.CompletedAsync(completed, cancellationToken);
            }
        }
        else if (type == MessageTypes.FunctionFailed)
        {
            if (WireJson.TryReadFunctionFailed(body, out error) is { } failed)
            {
                return replies.FailedAsync(failed, cancellationToken);
            }
        }
        else
        {
            error = $"unknown reply type '{type}'";
        }

        // Nobody can act on a reply that cannot be read: the invocation it answers times out and its step retries.
        log.Write("engine.reply-unreadable", error ?? "");
        return ValueTask.CompletedTask;
    }
}
