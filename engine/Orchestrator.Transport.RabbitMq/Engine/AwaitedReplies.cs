using System.Collections.Concurrent;
using Orchestrator.Contracts;

namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>
/// The invocations this engine still waits a reply for. Replies travel by direct reply-to, whose address lives only
/// as long as the engine's connection: when the connection drops, the replies of the invocations in flight can no
/// longer arrive, so those are answered at once with a retryable <c>transport</c> failure (a <c>retry</c> then invokes
/// again) instead of leaving their steps to wait for ever.
/// </summary>
internal sealed class AwaitedReplies(IInvocationReplies inner) : IInvocationReplies
{
    private readonly ConcurrentDictionary<string, string> _awaited = new(StringComparer.Ordinal);

    public void Expect(InvokeFunction command) => _awaited[command.InvocationId] = command.RunId;

    /// <summary>The engine stopped waiting (it cancelled the invocation).</summary>
    public void Forget(string invocationId) => _awaited.TryRemove(invocationId, out _);

    public ValueTask CompletedAsync(FunctionCompleted reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _awaited.TryRemove(reply.InvocationId, out _);
        return inner.CompletedAsync(reply, cancellationToken);
    }

    public ValueTask FailedAsync(FunctionFailed reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _awaited.TryRemove(reply.InvocationId, out _);
        return inner.FailedAsync(reply, cancellationToken);
    }

    /// <summary>Answers every awaited invocation with a retryable failure.</summary>
    /// <returns>How many there were.</returns>
    public async Task<int> FailAllAsync(string reason)
    {
        var failed = 0;
        foreach (var (invocationId, runId) in _awaited)
        {
            if (_awaited.TryRemove(invocationId, out _))
            {
                var error = new ErrorInfo(TransportErrors.Unavailable, reason, null, Retryable: true);
                await inner.FailedAsync(new FunctionFailed(invocationId, runId, error, InvocationMetrics.None), CancellationToken.None).ConfigureAwait(false);
                failed++;
            }
        }

        return failed;
    }
}
