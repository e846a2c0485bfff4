using System.Diagnostics;
using Orchestrator.Contracts;
using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// Runs a python, node or php function through its <see cref="InstancePool"/>. The deadline is the command's, else
/// now + the manifest's <c>timeout</c>; past it the instance's whole process group is killed and the invocation
/// fails with type <c>timeout</c>.
/// </summary>
internal sealed class AdapterFunctionExecutor(InstancePool pool, TimeProvider time) : IFunctionExecutor
{
    public string Name => pool.Manifest.Name;

    public Task<PrewarmResult>? Prewarm() => pool.Prewarm();

    public async Task<InvocationOutcome> ExecuteAsync(InvokeFunction command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var manifest = pool.Manifest;
        var now = time.GetUtcNow();
        var deadline = command.Deadline ?? now + manifest.Timeout;
        var budget = deadline - now;
        using var timer = LongTimers.CancelAfter(budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var started = Stopwatch.GetTimestamp();

        // A second attempt only when the first instance provably never saw the invocation (it was already dead).
        for (var attempt = 1; ; attempt++)
        {
            PoolLease lease;
            try
            {
                lease = await pool.AcquireAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                var waited = Stopwatch.GetElapsedTime(started);
                return Stopped(timer, deadline, budget, $"while it waited {waited.TotalMilliseconds:0} ms for an instance (scale.max {manifest.Scale.Max})", InvocationMetrics.None, []);
            }
            catch (InstanceStartException ex)
            {
                return new InvocationOutcome(null, ex.Error, new InvocationMetrics(true, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, ""), ex.Logs);
            }
            catch (ObjectDisposedException)
            {
                return new InvocationOutcome(null, new ErrorInfo(ErrorTypes.Cancelled, "the worker is shutting down", null), InvocationMetrics.None, []);
            }

            var reply = await lease.Instance.InvokeAsync(command, deadline, linked.Token).ConfigureAwait(false);
            pool.Release(lease.Instance, reply);
            if (reply is { Kind: ReplyKind.Crashed, NeverStarted: true } && attempt == 1)
            {
                continue;
            }

            var metrics = new InvocationMetrics(lease.ColdStart, lease.InitMs, reply.DurationMs, lease.Instance.Id);
            IReadOnlyList<string> logs = lease.InitLogs.Count == 0 ? reply.Logs : [.. lease.InitLogs, .. reply.Logs];
            return reply.Kind switch
            {
                ReplyKind.Result => new InvocationOutcome(reply.Output, null, metrics, logs),
                ReplyKind.Aborted => Stopped(timer, deadline, budget, $"and its instance {lease.Instance.Id} was killed", metrics, logs),
                _ => new InvocationOutcome(null, reply.Error, metrics, logs),
            };
        }
    }

    private InvocationOutcome Stopped(CancellationTokenSource timer, DateTimeOffset deadline, TimeSpan budget, string what, InvocationMetrics metrics, IReadOnlyList<string> logs)
    {
        // The worker host links the same deadline into the caller's token: whichever fired, past the deadline is a timeout.
        var error = timer.IsCancellationRequested || time.GetUtcNow() >= deadline
            ? new ErrorInfo(ErrorTypes.Timeout, $"function '{Name}' ran past its deadline ({Shown(budget)}) {what}", null, Retryable: true)
            : new ErrorInfo(ErrorTypes.Cancelled, $"invocation of function '{Name}' was cancelled {what}", null, Retryable: false);
        return new InvocationOutcome(null, error, metrics, logs);
    }

    private static string Shown(TimeSpan budget) =>
        budget <= TimeSpan.Zero ? "already passed" : budget.TotalSeconds >= 1 ? $"{budget.TotalSeconds:0.###}s" : $"{budget.TotalMilliseconds:0}ms";
}
