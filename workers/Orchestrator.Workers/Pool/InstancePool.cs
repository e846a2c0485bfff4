using System.Diagnostics;
using Orchestrator.Contracts;
using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// The instances of one function: reuses the most recently used idle instance, cold-starts one (from a stem cell when
/// there is one) when none is idle, never runs more than <c>scale.max</c> at once (further invocations wait in
/// arrival order), stops instances idle for <c>scale.idle</c> down to <c>scale.min</c>, and replaces broken ones on
/// demand.
/// </summary>
internal sealed class InstancePool : IAsyncDisposable
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
    public async Task<PoolLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<AdapterInstance?>? waiter = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (TakeIdle() is { } warm)
                {
                    return new PoolLease(warm, false, 0, []);
                }

                if (_slots < _manifest.Scale.Max)
                {
                    _slots++;
                }
                else
                {
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

                    return new PoolLease(granted, false, 0, []);
                }
            }

            // A slot is reserved for us (taken above, or handed over by an instance that went away).
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

    private async Task<(AdapterInstance Instance, double InitMs, IReadOnlyList<string> Logs)> StartInstanceAsync(CancellationToken cancellationToken)
    {
        AdapterInstance? instance = null;
        try
        {
            var env = Environment();
            var started = Stopwatch.GetTimestamp();
            instance = _stemCells?.TryTake();
            if (instance is not null)
            {
                // A stem cell pays only for init: its spawn happened while nobody waited.
                instance.Root = _manifest.Directory;
                started = Stopwatch.GetTimestamp();
            }
            else
            {
                instance = await _launcher.StartAsync(new InstanceSpec(_manifest.Runtime, _manifest.MemoryBytes, _manifest.Directory), cancellationToken).ConfigureAwait(false);
            }

            var (error, logs) = await instance.InitAsync(_manifest.Name, _manifest.Handler, env, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                throw new InstanceStartException(error, logs);
            }

            var initMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(InstancePool), "the worker is shutting down");
                }

                _live.Add(instance);
            }

            _ = instance.Exit.ContinueWith(_ => OnExited(instance), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return (instance, initMs, logs);
        }
        catch
        {
            if (instance is not null)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }

            ReleaseSlot();
            throw;
        }
    }

    /// <summary>The init message's env: the manifest's env plus its secrets, read from the host now.</summary>
    private Dictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>(_manifest.Env, StringComparer.Ordinal);
        foreach (var name in _manifest.Secrets)
        {
            env[name] = _options.SecretSource(name) ?? throw new InstanceStartException(new ErrorInfo(
                ErrorTypes.Configuration, $"function '{_manifest.Name}' needs secret '{name}', which is not set in the worker's environment", null, Retryable: false));
        }

        return env;
    }

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

    /// <summary>Keeps <c>scale.min</c> instances: starts the missing ones in the background.</summary>
    private void EnsureMinimum()
    {
        lock (_gate)
        {
            for (var missing = _manifest.Scale.Min - _slots; missing > 0 && !_disposed; missing--)
            {
                _slots++;
                Track(StartMinimumAsync());
            }
        }
    }

    private async Task StartMinimumAsync()
    {
        await Task.Yield();
        try
        {
            var (instance, _, _) = await StartInstanceAsync(_stopping.Token).ConfigureAwait(false);
            Park(instance);
        }
        catch (Exception ex) when (ex is InstanceStartException or OperationCanceledException or ObjectDisposedException)
        {
            // The slot is released; the next invocation starts an instance itself and reports what goes wrong.
        }
    }

    /// <summary>Under the lock: remembers background work so that disposal waits for it.</summary>
    private void Track(Task task)
    {
        _background.RemoveAll(done => done.IsCompleted);
        _background.Add(task);
    }
}
