using Orchestrator.Workers.Instances;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// Keeps generic adapter processes of one runtime and memory limit started but uninitialised ("stem cells": they sent
/// <c>ready</c> and wait for <c>init</c>), so a cold function pays only for loading its own code. Taking one starts
/// its replacement in the background.
/// </summary>
internal sealed class StemCellPool(IInstanceLauncher launcher, InstanceSpec spec, int target) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<AdapterInstance> _ready = new();
    private readonly List<Task> _starts = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _starting;
    private bool _disposed;

    public InstanceSpec Spec { get; } = spec;

    /// <summary>Stem cells ready to be taken.</summary>
    public int ReadyCount
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>The ids of the ready stem cells, oldest first (the next to be taken).</summary>
    public IReadOnlyList<string> ReadyIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _ready.Select(cell => cell.Id)];
            }
        }
    }

    /// <summary>Starts filling up to the target in the background.</summary>
    public void Start() => Refill();

    /// <summary>A ready stem cell, or null when none is (the caller then starts a process itself).</summary>
    public AdapterInstance? TryTake()
    {
        AdapterInstance? taken = null;
        var dead = new List<AdapterInstance>();
        lock (_gate)
        {
            while (taken is null && _ready.TryDequeue(out var cell))
            {
                if (cell.HasExited)
                {
                    dead.Add(cell);
                }
                else
                {
                    taken = cell;
                }
            }
        }

        foreach (var cell in dead)
        {
            _ = cell.DisposeAsync().AsTask();
        }

        // Refill after a miss too: a start that failed earlier is retried on demand, never in a loop.
        Refill();
        return taken;
    }

    /// <summary>Waits until the stem cells being started are ready (or failed).</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _starts];
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        AdapterInstance[] cells;
        Task[] pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            cells = [.. _ready];
            _ready.Clear();
            pending = [.. _starts];
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(cells.Select(cell => cell.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Task.WhenAll(pending).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Refill()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _starts.RemoveAll(task => task.IsCompleted);
            for (var need = target - _ready.Count - _starting; need > 0; need--)
            {
                _starting++;
                _starts.Add(StartOneAsync());
            }
        }
    }

    private async Task StartOneAsync()
    {
        // Off the caller's path: Refill runs inside a cold start.
        await Task.Yield();
        AdapterInstance? cell = null;
        try
        {
            cell = await launcher.StartAsync(Spec, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InstanceStartException or OperationCanceledException)
        {
            // Cold starts fall back to starting a process themselves, which reports the problem on the invocation.
        }

        lock (_gate)
        {
            _starting--;
            if (cell is not null && !_disposed)
            {
                _ready.Enqueue(cell);
                return;
            }
        }

        if (cell is not null)
        {
            await cell.DisposeAsync().ConfigureAwait(false);
        }
    }
}
