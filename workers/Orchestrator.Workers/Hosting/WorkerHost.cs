using System.Collections.Concurrent;
using System.Threading.Channels;
using Orchestrator.Contracts;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Hosting;

/// <summary>
/// Consumes <see cref="InvokeFunction"/> commands, runs each on its function's executor and replies.
/// Every invocation runs concurrently; executors bound their own concurrency (instance pools).
/// </summary>
public sealed class WorkerHost(FunctionRegistry registry, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>Reads commands until the channel completes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task ExecuteAsync(ChannelReader<InvokeFunction> commands, IInvocationReplies replies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        while (await commands.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (commands.TryRead(out var command))
            {
                _ = HandleAsync(command, replies, cancellationToken);
            }
        }
    }

    /// <summary>Cancels a running invocation; unknown ids are ignored (it already finished).</summary>
    public void Cancel(CancelInvocation command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_running.TryGetValue(command.InvocationId, out var cts))
        {
            cts.Cancel();
        }
    }

    /// <summary>Runs one invocation and sends its reply.</summary>
    public async Task HandleAsync(InvokeFunction command, IInvocationReplies replies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(replies);
        if (!registry.TryGet(command.Function, out var executor))
        {
            var error = new ErrorInfo(ErrorTypes.FunctionNotFound, $"no worker hosts function '{command.Function}'", null, Retryable: false);
            await replies.FailedAsync(new FunctionFailed(command.InvocationId, command.RunId, error, InvocationMetrics.None), cancellationToken).ConfigureAwait(false);
            return;
        }

        // The engine enforces step timeouts itself; the deadline here is the worker's own backstop.
        using var deadline = command.Deadline is { } at ? LongTimers.CancelAfter(at - time.GetUtcNow(), time) : null;
        using var cts = deadline is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        _running[command.InvocationId] = cts;
        InvocationOutcome outcome;
        try
        {
            outcome = await executor.ExecuteAsync(command, cts.Token).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(command.InvocationId, out _);
        }

        if (outcome.Succeeded && JsonLimits.IsTooDeep(outcome.Output))
        {
            // Checked here, for every kind of function, so that no transport is asked to carry a value the engine
            // would refuse; the step fails as a serialization error rather than as a lost reply.
            var error = new ErrorInfo(ErrorTypes.Serialization, JsonLimits.TooDeepMessage($"the output of function '{command.Function}'"), null, Retryable: false);
            outcome = outcome with { Output = null, Error = error };
        }

        if (outcome.Succeeded)
        {
            await replies.CompletedAsync(new FunctionCompleted(command.InvocationId, command.RunId, outcome.Output, outcome.Metrics, outcome.Logs), CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await replies.FailedAsync(new FunctionFailed(command.InvocationId, command.RunId, outcome.Error!, outcome.Metrics, outcome.Logs), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
