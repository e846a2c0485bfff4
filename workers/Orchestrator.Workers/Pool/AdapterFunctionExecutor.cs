using System.Diagnostics;
using Orchestrator.Contracts;
using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// Runs a python, node or php function through its <see cref="InstancePool"/>. Two limits apply: the command's
/// deadline (the step's <c>timeout</c>) covers everything, from waiting for an instance to the reply; the manifest's
/// <c>timeout</c> covers the invocation from the moment an instance has it (a cold start has limits of its own: the
/// adapter's start timeout and, for loading the code, a budget of the manifest's <c>timeout</c>). Whichever passes
/// first kills the instance's whole process group and fails the invocation with type <c>timeout</c>.
/// </summary>
internal sealed class AdapterFunctionExecutor(InstancePool pool, TimeProvider time) : IFunctionExecutor
{
    public string Name => pool.Manifest.Name;

    public Task<PrewarmResult>? Prewarm() => pool.Prewarm();

    public async Task<InvocationOutcome> ExecuteAsync(InvokeFunction command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var manifest = pool.Manifest;
        var stepDeadline = command.Deadline;
        var received = time.GetUtcNow();
        using var stepTimer = stepDeadline is { } due ? LongTimers.CancelAfter(due - received, time) : null;
        using var acquiring = stepTimer is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stepTimer.Token);
        var started = Stopwatch.GetTimestamp();
        var progress = new AcquireProgress();

        // A second attempt only when the first instance provably never saw the invocation (it was already dead).
        for (var attempt = 1; ; attempt++)
        {
            PoolLease lease;
            try
            {
                lease = await pool.AcquireAsync(acquiring.Token, progress).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (acquiring.IsCancellationRequested)
            {
                var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var what = progress.Stage switch
                {
                    AcquireStage.Queued => $"while it waited {waited:0} ms in line for an instance (all scale.max {manifest.Scale.Max} busy)",
                    AcquireStage.WaitingForPrewarm => $"while it waited {waited:0} ms for an instance a prewarm was starting (cold start)",
                    _ => $"while its instance was starting (cold start, {waited:0} ms so far)",
                };
                var timedOut = stepTimer?.IsCancellationRequested == true || (stepDeadline is { } at && time.GetUtcNow() >= at);
                var stepLimit = stepDeadline is { } end ? $"the step's deadline ({Shown(end - received)})" : "its deadline";
                return Stopped(timedOut, stepLimit, what, InvocationMetrics.None, []);
            }
            catch (InstanceStartException ex)
            {
                return new InvocationOutcome(null, ex.Error, new InvocationMetrics(true, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, ""), ex.Logs);
            }
            catch (ObjectDisposedException)
            {
                return new InvocationOutcome(null, new ErrorInfo(ErrorTypes.Cancelled, "the worker is shutting down", null), InvocationMetrics.None, []);
            }

            // The instance has it: from now on the manifest's timeout runs too, and the shorter of the two limits wins.
            var now = time.GetUtcNow();
            var ownDeadline = now + manifest.Timeout;
            var stepFirst = stepDeadline is { } step && step < ownDeadline;
            var deadline = stepFirst ? stepDeadline!.Value : ownDeadline;
            using var timer = LongTimers.CancelAfter(deadline - now, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(acquiring.Token, timer.Token);
            var reply = await lease.Instance.InvokeAsync(command, deadline, linked.Token).ConfigureAwait(false);
            pool.Release(lease.Instance, reply);
            if (reply is { Kind: ReplyKind.Crashed, NeverStarted: true } && attempt == 1)
            {
                continue;
            }

            var metrics = new InvocationMetrics(lease.ColdStart, lease.InitMs, reply.DurationMs, lease.Instance.Id);
            IReadOnlyList<string> logs = lease.InitLogs.Count == 0 ? reply.Logs : [.. lease.InitLogs, .. reply.Logs];
            if (reply.Kind != ReplyKind.Aborted)
            {
                return reply.Kind == ReplyKind.Result
                    ? new InvocationOutcome(reply.Output, null, metrics, logs)
                    : new InvocationOutcome(null, reply.Error, metrics, logs);
            }

            var pastDeadline = timer.IsCancellationRequested || stepTimer?.IsCancellationRequested == true || time.GetUtcNow() >= deadline;
            var limit = stepFirst
                ? $"the step's deadline ({Shown(deadline - now)} left when its instance took it)"
                : $"its timeout ({Shown(manifest.Timeout)})";
            return Stopped(pastDeadline, limit, $"and its instance {lease.Instance.Id} was killed", metrics, logs);
        }
    }

    private InvocationOutcome Stopped(bool pastDeadline, string limit, string what, InvocationMetrics metrics, IReadOnlyList<string> logs)
    {
        // The worker host links the step's deadline into the caller's token too: whichever fired, past a deadline is a timeout.
        var error = pastDeadline
            ? new ErrorInfo(ErrorTypes.Timeout, $"function '{Name}' ran past {limit} {what}", null, Retryable: true)
            : new ErrorInfo(ErrorTypes.Cancelled, $"invocation of function '{Name}' was cancelled {what}", null, Retryable: false);
        return new InvocationOutcome(null, error, metrics, logs);
    }

    private static string Shown(TimeSpan budget) =>
        budget <= TimeSpan.Zero ? "already passed" : budget.TotalSeconds >= 1 ? $"{budget.TotalSeconds:0.###}s" : $"{budget.TotalMilliseconds:0}ms";
}
