using Orchestrator.Core.Validation;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;

namespace Orchestrator.Workers.Registry;

/// <summary>Registers functions declared by <c>functions/&lt;name&gt;/function.yaml</c> manifests.</summary>
public static class FunctionRegistryManifestExtensions
{
    /// <summary>
    /// Registers every python, node and php manifest with an instance pool behind it. A <c>dotnet</c> manifest only
    /// names an in-process C# function: it must already be registered (AddAssembly / AddFunction first), else it is
    /// reported. A name that is already registered is reported too, not registered twice.
    /// </summary>
    /// <returns>The pools, to dispose when the worker stops, with the diagnostics of what was not registered.</returns>
    public static AdapterPools AddManifests(this FunctionRegistry registry, IEnumerable<FunctionManifest> manifests, WorkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(manifests);
        var pools = new AdapterPools(options ?? new WorkerOptions());
        var accepted = new List<FunctionManifest>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in manifests)
        {
            var registered = registry.TryGet(manifest.Name, out _);
            if (manifest.Runtime == FunctionRuntime.DotNet)
            {
                if (!registered)
                {
                    pools.Report(new Diagnostic(manifest.Location, $"function '{manifest.Name}' has runtime dotnet, but no C# function of that name is registered; C# functions run in-process: mark the class [Function(\"{manifest.Name}\")] and register its assembly before the manifests"));
                }

                continue;
            }

            if (registered || !names.Add(manifest.Name))
            {
                pools.Report(new Diagnostic(manifest.Location, $"function '{manifest.Name}' is already registered; function names must be unique across C# functions and manifests"));
                continue;
            }

            accepted.Add(manifest);
        }

        foreach (var executor in pools.Create(accepted))
        {
            registry.Add(executor);
        }

        return pools;
    }

    /// <summary>Scans folders for <c>*/function.yaml</c> (see <see cref="FunctionDirectoryScanner"/>) and registers them
    /// with <see cref="AddManifests"/>; the result carries the diagnostics of both steps.</summary>
    public static AdapterPools AddFunctionFolders(this FunctionRegistry registry, IEnumerable<string> folders, WorkerOptions? options = null)
    {
        var scan = FunctionDirectoryScanner.Scan(folders);
        var pools = registry.AddManifests(scan.Manifests, options);
        pools.ReportFirst(scan.Diagnostics);
        return pools;
    }
}
