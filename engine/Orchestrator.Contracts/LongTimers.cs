namespace Orchestrator.Contracts;

/// <summary>
/// Timeouts and delays of any length. .NET timers stop at about 49.7 days (<c>uint.MaxValue - 1</c> ms) and throw
/// beyond it, while a workflow may wait or time out after 90 days: longer spans are waited in steps.
/// </summary>
public static class LongTimers
{
    /// <summary>The longest span one .NET timer takes.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>A source that is cancelled after <paramref name="delay"/> on <paramref name="time"/>, whatever its length.</summary>
    public static CancellationTokenSource CancelAfter(TimeSpan delay, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        return delay <= MaxStep ? new CancellationTokenSource(delay, time) : new SteppedSource(delay, time);
    }

    /// <summary>Completes after <paramref name="delay"/> on <paramref name="time"/>, whatever its length.</summary>
    public static async Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (delay <= MaxStep)
        {
            await Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, time, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Each step waits for what is left until the due time, so time spent between the steps is not added.
        var due = time.GetUtcNow() + delay;
        for (var left = delay; left > TimeSpan.Zero; left = due - time.GetUtcNow())
        {
            await Task.Delay(left < MaxStep ? left : MaxStep, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels itself when a timer re-armed in steps of at most <see cref="MaxStep"/> reaches the due time.</summary>
    private sealed class SteppedSource : CancellationTokenSource
    {
        private readonly TimeProvider _time;
        private readonly DateTimeOffset _due;
        private readonly ITimer _timer;

        public SteppedSource(TimeSpan delay, TimeProvider time)
        {
            _time = time;
            _due = time.GetUtcNow() + delay;
            _timer = time.CreateTimer(_ => OnTick(), null, MaxStep, Timeout.InfiniteTimeSpan);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _timer.Dispose();
            }

            base.Dispose(disposing);
        }

        private void OnTick()
        {
            var left = _due - _time.GetUtcNow();
            try
            {
                if (left > TimeSpan.Zero)
                {
                    _timer.Change(left < MaxStep ? left : MaxStep, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    Cancel();
                }
            }
            catch (ObjectDisposedException)
            {
                // Disposed while the tick ran: nobody waits any more.
            }
        }
    }
}
