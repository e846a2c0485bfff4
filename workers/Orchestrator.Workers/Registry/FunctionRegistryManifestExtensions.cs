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
        foreach (var (manifest, problem) in Check(manifests, name => registry.TryGet(name, out _)))
        {
            if (problem is not null)
            {
                pools.Report(problem);
            }
            else if (manifest.Runtime != FunctionRuntime.DotNet)
            {
                accepted.Add(manifest);
            }
        }

        foreach (var executor in pools.Create(accepted))
        {
            registry.Add(executor);
        }

        return pools;
    }

    /// <summary>
    /// What <see cref="AddManifests"/> would report for <paramref name="manifests"/> beside the C# functions named
    /// <paramref name="registered"/>, without starting anything (for <c>validate</c>).
    /// </summary>
    public static IEnumerable<Diagnostic> RegistrationProblems(IEnumerable<FunctionManifest> manifests, IReadOnlyCollection<string> registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return Check(manifests, registered.Contains).Where(c => c.Problem is not null).Select(c => c.Problem!);
    }

    /// <summary>
    /// Each manifest with why it cannot be registered, or null: a <c>dotnet</c> one must name a registered C#
    /// function; any other must take a name no C# function and no earlier manifest has.
    /// </summary>
    private static IEnumerable<(FunctionManifest Manifest, Diagnostic? Problem)> Check(IEnumerable<FunctionManifest> manifests, Func<string, bool> isRegistered)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in manifests)
        {
            var registered = isRegistered(manifest.Name);
            if (manifest.Runtime == FunctionRuntime.DotNet)
            {
                yield return (manifest, registered ? null : new Diagnostic(manifest.Location, $"function '{manifest.Name}' has runtime dotnet, but no C# function of that name is registered; C# functions run in-process: mark the class [Function(\"{manifest.Name}\")] and register its assembly before the manifests"));
            }
            else
            {
                yield return (manifest, registered || !names.Add(manifest.Name)
                    ? new Diagnostic(manifest.Location, $"function '{manifest.Name}' is already registered; function names must be unique across C# functions and manifests")
                    : null);
            }
        }
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
