using System.Collections.Concurrent;
using Orchestrator.Contracts;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// Turns the message exchange with workers into awaitable calls: sends <see cref="InvokeFunction"/>, and
/// completes the caller when the matching <see cref="FunctionCompleted"/> or <see cref="FunctionFailed"/> arrives.
/// A caller that stops waiting (timeout, lost race) sends <see cref="CancelInvocation"/>.
/// </summary>
public sealed class InvocationBroker(IFunctionDispatcher dispatcher) : IInvocationReplies
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationReply>> _pending = new(StringComparer.Ordinal);

    /// <summary>Invocations sent and not yet answered.</summary>
    public int Pending => _pending.Count;

    /// <summary>Sends an invocation and waits for its reply.</summary>
    public async Task<InvocationReply> InvokeAsync(InvokeFunction command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var reply = new TaskCompletionSource<InvocationReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[command.InvocationId] = reply;
        try
        {
            await dispatcher.DispatchAsync(command, cancellationToken).ConfigureAwait(false);
            return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await dispatcher.CancelAsync(new CancelInvocation(command.InvocationId, "the run stopped waiting"), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _pending.TryRemove(command.InvocationId, out _);
        }
    }

    /// <inheritdoc />
    public ValueTask CompletedAsync(FunctionCompleted reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Complete(reply.InvocationId, new InvocationReply(reply, null));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask FailedAsync(FunctionFailed reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Complete(reply.InvocationId, new InvocationReply(null, reply));
        return ValueTask.CompletedTask;
    }

    // A reply for an invocation nobody waits for any more (it timed out) is dropped on purpose.
    private void Complete(string invocationId, InvocationReply reply)
    {
        if (_pending.TryRemove(invocationId, out var waiter))
        {
            waiter.TrySetResult(reply);
        }
    }
}
