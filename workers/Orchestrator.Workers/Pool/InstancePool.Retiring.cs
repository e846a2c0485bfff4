using Orchestrator.Workers.Instances;

namespace Orchestrator.Workers.Pool;

/// <summary>Retiring instances and handing the slots they free to the waiters, in arrival order.</summary>
internal sealed partial class InstancePool
{
    /// <summary>Removes an instance for good, stops it in the background, and hands its slot on.</summary>
    private void Retire(AdapterInstance instance, bool graceful)
    {
        lock (_gate)
        {
            _idle.Remove(instance);
            if (_live.Remove(instance))
            {
                _slots--;
                GrantSlots();
            }

            // Once disposal began, nothing waits for a grace period; until then, disposal will find it here.
            graceful &= !_disposed && _retiring.Add(instance);
        }

        var stopping = graceful ? StopAsync(instance) : instance.DisposeAsync().AsTask();
        lock (_gate)
        {
            Track(stopping);
        }

        EnsureMinimum();
    }

    private async Task StopAsync(AdapterInstance instance)
    {
        await instance.StopAsync(_options.StopGrace, _options.Time).ConfigureAwait(false);
        await instance.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _retiring.Remove(instance);
        }
    }

    /// <summary>Forgets an instance that a waiter found dead.</summary>
    private void Forget(AdapterInstance instance) => Retire(instance, graceful: false);

    private void ReleaseSlot()
    {
        lock (_gate)
        {
            _slots--;
            GrantSlots();
        }
    }

    /// <summary>Under the lock: lets the first waiters start instances while there is room.</summary>
    private void GrantSlots()
    {
        while (_slots < _manifest.Scale.Max && _waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            if (first.Value.TrySetResult(null))
            {
                _slots++;
            }
        }
    }

    /// <summary>A waiter whose invocation was cancelled leaves the line (if it was not served meanwhile).</summary>
    private void Abandon(TaskCompletionSource<AdapterInstance?> waiter)
    {
        lock (_gate)
        {
            if (_waiters.Remove(waiter))
            {
                waiter.TrySetCanceled();
            }
        }
    }
}
