using Orchestrator.Contracts;
using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// Prewarms: an instance started ahead of an invocation that is probably coming (a <see cref="PrewarmFunction"/>
/// hint). An invocation that arrives while it is still starting waits for it rather than starting a second one, so the
/// time saved is whatever part of the cold start happened before the invocation arrived.
/// </summary>
internal sealed partial class InstancePool
{
    /// <summary>Prewarm starts going on that no waiting invocation has been counted against yet (see <see cref="AcquireAsync"/>).</summary>
    private int _prewarming;

    /// <summary>
    /// Has one instance ready for the next invocation: starts one in the background (from a stem cell when there is
    /// one) and parks it idle, where it follows <c>scale.idle</c> like any other. Does nothing when an instance is idle,
    /// one is starting already, the pool is at <c>scale.max</c>, <c>scale.idle</c> is 0 (it would be stopped at once),
    /// or the pool is disposed.
    /// </summary>
    /// <returns>The start, which never throws (a failure is in the result), or null when nothing was started.</returns>
    public Task<PrewarmResult>? Prewarm()
    {
        lock (_gate)
        {
            var starting = _slots > _live.Count;
            if (_disposed || _manifest.Scale.Idle <= TimeSpan.Zero || _slots >= _manifest.Scale.Max || starting || _idle.Exists(instance => !instance.HasExited))
            {
                return null;
            }

            _slots++;
            _prewarming++;
            var start = PrewarmAsync();
            Track(start);
            return start;
        }
    }

    private async Task<PrewarmResult> PrewarmAsync()
    {
        // Off the caller's path (and out of the lock Prewarm holds).
        await Task.Yield();
        try
        {
            var (instance, initMs, _) = await StartInstanceAsync(_stopping.Token).ConfigureAwait(false);

            // Before Park: an invocation arriving in between must start its own instance, not wait for this one, which
            // Park hands to the invocations already waiting for it first.
            EndPrewarm(failed: false);
            Park(instance);
            return new PrewarmResult(initMs, instance.Id, null);
        }
        catch (InstanceStartException ex)
        {
            EndPrewarm(failed: true);
            return new PrewarmResult(0, "", ex.Error);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            EndPrewarm(failed: true);
            return new PrewarmResult(0, "", new ErrorInfo(ErrorTypes.Cancelled, "the worker is shutting down", null));
        }
    }

    private void EndPrewarm(bool failed)
    {
        lock (_gate)
        {
            _prewarming--;
            if (failed)
            {
                // The invocations that waited for it start instances of their own (its slot was released).
                GrantSlots();
            }
        }
    }
}
