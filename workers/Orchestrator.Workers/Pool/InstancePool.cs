using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// The instances of one function: reuses the most recently used idle instance, cold-starts one (from a stem cell when
/// there is one) when none is idle, never runs more than <c>scale.max</c> at once (further invocations wait in
/// arrival order), stops instances idle for <c>scale.idle</c> down to <c>scale.min</c>, replaces broken ones on
/// demand, and starts one ahead of an expected invocation on a prewarm hint.
/// </summary>
internal sealed partial class InstancePool : IAsyncDisposable
{
    private readonly FunctionManifest _manifest;
    private readonly IInstanceLauncher _launcher;
    private readonly StemCellPool? _stemCells;
    private readonly WorkerOptions _options;
    private readonly Lock _gate = new();
    private readonly List<AdapterInstance> _idle = [];
    private readonly Dictionary<AdapterInstance, ITimer> _idleTimers = [];
    private readonly LinkedList<TaskCompletionSource<AdapterInstance?>> _waiters = new();
    private readonly HashSet<AdapterInstance> _live = [];
    private readonly HashSet<AdapterInstance> _retiring = [];
    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _slots;
    private bool _disposed;

    public InstancePool(FunctionManifest manifest, IInstanceLauncher launcher, StemCellPool? stemCells, WorkerOptions options)
    {
        _manifest = manifest;
        _launcher = launcher;
        _stemCells = stemCells;
        _options = options;
    }

    public FunctionManifest Manifest => _manifest;

    /// <summary>Instances alive or starting; never more than <c>scale.max</c>.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slots;
            }
        }
    }

    /// <summary>The live instances, for diagnostics and tests.</summary>
    public IReadOnlyList<AdapterInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _live];
            }
        }
    }

    /// <summary>Starts the <c>scale.min</c> instances in the background.</summary>
    public void Start() => EnsureMinimum();

    /// <summary>Waits for the background starts begun so far (the <c>scale.min</c> instances).</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _background];
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lends an instance: a warm one, a new one, or the next one free after waiting in line.</summary>
    /// <exception cref="InstanceStartException">A new instance could not be started or initialised.</exception>
    /// <exception cref="OperationCanceledException">The token fired while waiting or starting.</exception>
    public async Task<PoolLease> AcquireAsync(CancellationToken cancellationToken, AcquireProgress? progress = null)
    {
        while (true)
        {
            TaskCompletionSource<AdapterInstance?>? waiter = null;
            long? waitingForPrewarmSince = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (TakeIdle() is { } warm)
                {
                    return new PoolLease(warm, false, 0, []);
                }

                if (_slots < _manifest.Scale.Max && _prewarming <= _waiters.Count)
                {
                    _slots++;
                }
                else
                {
                    // At scale.max, or a prewarm is starting an instance no other waiter counts on: wait for it
                    // rather than start a second one.
                    if (_slots < _manifest.Scale.Max)
                    {
                        waitingForPrewarmSince = _options.Time.GetTimestamp();
                    }

                    progress?.Stage = waitingForPrewarmSince is null ? AcquireStage.Queued : AcquireStage.WaitingForPrewarm;

                    waiter = new TaskCompletionSource<AdapterInstance?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiters.AddLast(waiter);
                }
            }

            if (waiter is not null)
            {
                AdapterInstance? granted;
                using (cancellationToken.Register(() => Abandon(waiter)))
                {
                    granted = await waiter.Task.ConfigureAwait(false);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    // The grant raced with the cancellation: pass it on rather than lose it.
                    if (granted is null)
                    {
                        ReleaseSlot();
                    }
                    else
                    {
                        Park(granted);
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (granted is not null)
                {
                    if (granted.HasExited)
                    {
                        Forget(granted);
                        continue;
                    }

                    // Waiting for a prewarm still starting is the rest of a cold start: reported as one, with the part
                    // waited as its init time, so runs show what they paid.
                    return waitingForPrewarmSince is { } since
                        ? new PoolLease(granted, true, _options.Time.GetElapsedTime(since).TotalMilliseconds, [])
                        : new PoolLease(granted, false, 0, []);
                }
            }

            // A slot is reserved for us (taken above, or handed over by an instance that went away).
            progress?.Stage = AcquireStage.Starting;
            var (instance, initMs, logs) = await StartInstanceAsync(cancellationToken).ConfigureAwait(false);
            return new PoolLease(instance, true, initMs, logs);
        }
    }

    /// <summary>Takes an instance back after an invocation; keeps it or stops it depending on how it went.</summary>
    public void Release(AdapterInstance instance, InstanceReply reply)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(reply);
        var healthy = reply.Kind == ReplyKind.Result
            || (reply.Kind == ReplyKind.Error && reply.Error?.Type != RuntimeErrorTypes.ExitError);
        if (healthy && _manifest.Process == ProcessMode.Resident && !instance.HasExited)
        {
            Park(instance);
            return;
        }

        // One-shot instances and those whose handler ended the process leave politely; the rest were killed already.
        Retire(instance, graceful: healthy || reply.Kind == ReplyKind.Error);
    }

    public async ValueTask DisposeAsync()
    {
        AdapterInstance[] instances;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var waiter in _waiters)
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(InstancePool), "the worker is shutting down"));
            }

            _waiters.Clear();
            foreach (var timer in _idleTimers.Values)
            {
                timer.Dispose();
            }

            _idleTimers.Clear();
            _idle.Clear();
            // Instances still stopping politely are killed too: disposal must not wait on a grace period.
            instances = [.. _live, .. _retiring];
            _live.Clear();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        // Shutting down: no grace, kill every process group now.
        await Task.WhenAll(instances.Select(instance => instance.DisposeAsync().AsTask())).ConfigureAwait(false);
        Task[] background;
        lock (_gate)
        {
            background = [.. _background];
        }

        await Task.WhenAll(background).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
