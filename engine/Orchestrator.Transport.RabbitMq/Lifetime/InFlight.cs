namespace Orchestrator.Transport.RabbitMq.Lifetime;

/// <summary>Counts work in progress so that stopping can wait for it to finish, for a bounded time.</summary>
internal sealed class InFlight
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Enter()
    {
        lock (_gate)
        {
            _count++;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (--_count == 0)
            {
                _idle?.TrySetResult();
                _idle = null;
            }
        }
    }

    /// <summary>Waits until nothing is in flight, or <paramref name="timeout"/> passed.</summary>
    /// <returns>True when everything finished in time.</returns>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout, TimeProvider time)
    {
        Task idle;
        lock (_gate)
        {
            if (_count == 0)
            {
                return true;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(timeout, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
