using Orchestrator.Workers.Instances;

namespace Orchestrator.Workers.Pool;

/// <summary>Idle instances: the most recently used is lent first, each leaves after <c>scale.idle</c>, or as soon as it exits.</summary>
internal sealed partial class InstancePool
{
    /// <summary>Under the lock: the most recently used idle instance that is still alive.</summary>
    private AdapterInstance? TakeIdle()
    {
        while (_idle.Count > 0)
        {
            var instance = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            if (_idleTimers.Remove(instance, out var timer))
            {
                timer.Dispose();
            }

            if (!instance.HasExited)
            {
                return instance;
            }

            if (_live.Remove(instance))
            {
                _slots--;
            }
        }

        return null;
    }

    /// <summary>Gives a healthy instance to the first waiter, or lets it idle until <c>scale.idle</c> passes.</summary>
    private void Park(AdapterInstance instance)
    {
        var stopNow = false;
        lock (_gate)
        {
            if (_disposed || !_live.Contains(instance))
            {
                stopNow = true;
            }
            else
            {
                while (_waiters.First is { } first)
                {
                    _waiters.RemoveFirst();
                    if (first.Value.TrySetResult(instance))
                    {
                        return;
                    }
                }

                if (_manifest.Scale.Idle <= TimeSpan.Zero && _slots > _manifest.Scale.Min)
                {
                    stopNow = true;
                }
                else
                {
                    _idle.Add(instance);
                    _idleTimers[instance] = _options.Time.CreateTimer(_ => OnIdle(instance), null, _manifest.Scale.Idle, Timeout.InfiniteTimeSpan);
                }
            }
        }

        if (stopNow)
        {
            Retire(instance, graceful: true);
        }
    }

    private void OnIdle(AdapterInstance instance)
    {
        lock (_gate)
        {
            if (_idleTimers.Remove(instance, out var timer))
            {
                timer.Dispose();
            }

            // scale.min instances stay, whichever they are; the others go once idle long enough.
            if (_disposed || _slots <= _manifest.Scale.Min || !_idle.Remove(instance))
            {
                return;
            }
        }

        Retire(instance, graceful: true);
    }

    private void OnExited(AdapterInstance instance)
    {
        lock (_gate)
        {
            // Only an idle instance is handled here; a busy one is reported and retired by its invocation.
            if (!_idle.Remove(instance))
            {
                return;
            }

            if (_idleTimers.Remove(instance, out var timer))
            {
                timer.Dispose();
            }
        }

        Retire(instance, graceful: false);
    }
}
