using Orchestrator.Core.Validation;
using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Pool;

/// <summary>
/// The instance pools and stem cells behind the manifest functions of one registry. Dispose it when the worker stops:
/// that kills every adapter process group.
/// </summary>
public sealed class AdapterPools : IAsyncDisposable
{
    private readonly WorkerOptions _options;
    private readonly IInstanceLauncher _launcher;
    private readonly Dictionary<string, InstancePool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<(FunctionRuntime, long), StemCellPool> _stemCells = [];
    private readonly List<Diagnostic> _diagnostics = [];

    internal AdapterPools(WorkerOptions options)
    {
        _options = options;
        _launcher = options.Isolation == InstanceIsolation.Container ? new ContainerLauncher(options) : new ProcessLauncher(options);
    }

    /// <summary>Manifests that were not registered, and why (file:line:col).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    /// <summary>The functions served through adapters.</summary>
    public IReadOnlyCollection<string> FunctionNames => _pools.Keys;

    /// <summary>Waits until the <c>scale.min</c> instances and <c>scale.prewarm</c> stem cells started so far are up
    /// (or failed to start: those failures surface on the first invocation).</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_stemCells.Values.Select(cells => cells.WarmUpAsync(cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(_pools.Values.Select(pool => pool.WarmUpAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Stops everything: kills every instance's and stem cell's process group.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_pools.Values.Select(pool => pool.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Task.WhenAll(_stemCells.Values.Select(cells => cells.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    internal InstancePool Pool(string name) => _pools[name];

    internal StemCellPool? StemCells(FunctionRuntime runtime, long memoryBytes) => _stemCells.GetValueOrDefault((runtime, memoryBytes));

    internal void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>Puts earlier diagnostics (a folder scan's) before those of registration.</summary>
    internal void ReportFirst(IEnumerable<Diagnostic> diagnostics) => _diagnostics.InsertRange(0, diagnostics);

    /// <summary>Creates the pools of a set of manifests (stem cells first, so that pools can share them), then starts
    /// the stem cells and the <c>scale.min</c> instances in the background.</summary>
    internal IReadOnlyList<IFunctionExecutor> Create(IReadOnlyList<FunctionManifest> manifests)
    {
        if (_launcher.SupportsStemCells)
        {
            // Stem cells are generic, so every function with the same runtime and memory limit draws on one pool.
            foreach (var group in manifests.Where(m => m.Scale.Prewarm > 0).GroupBy(m => (m.Runtime, m.MemoryBytes)))
            {
                var spec = new InstanceSpec(group.Key.Runtime, group.Key.MemoryBytes, null);
                _stemCells[group.Key] = new StemCellPool(_launcher, spec, group.Sum(m => m.Scale.Prewarm));
            }
        }

        var executors = new List<IFunctionExecutor>();
        foreach (var manifest in manifests)
        {
            var pool = new InstancePool(manifest, _launcher, StemCells(manifest.Runtime, manifest.MemoryBytes), _options);
            _pools[manifest.Name] = pool;
            executors.Add(new AdapterFunctionExecutor(pool, _options.Time));
        }

        foreach (var cells in _stemCells.Values)
        {
            cells.Start();
        }

        foreach (var pool in _pools.Values)
        {
            pool.Start();
        }

        return executors;
    }
}
