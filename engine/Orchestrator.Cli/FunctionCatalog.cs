using Orchestrator.Core.Validation;
using Orchestrator.Examples;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Cli;

/// <summary>
/// The functions a workflow can call: the C# functions of the example assembly (in-process), and every
/// <c>functions/&lt;name&gt;/function.yaml</c> found in the function folders — by default <c>functions/</c> beside the
/// workflow and the repository's <c>workflows/functions</c>, plus each <c>--functions DIR</c>.
/// </summary>
internal static class FunctionCatalog
{
    public static FunctionRegistry Create(TimeProvider? time = null) =>
        new FunctionRegistry().AddAssembly(typeof(ExampleFunctions).Assembly, time);

    /// <summary>The folders searched for manifests for a workflow in <paramref name="workflowFolder"/>.</summary>
    public static IReadOnlyList<string> Folders(string workflowFolder, IEnumerable<string> extra)
    {
        var folders = new List<string> { Path.Combine(workflowFolder, "functions") };
        if (RepositoryFunctions() is { } shared)
        {
            folders.Add(shared);
        }

        folders.AddRange(extra);
        return [.. folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Where(Directory.Exists)];
    }

    /// <summary>Names of every function callable from a workflow in <paramref name="workflowFolder"/>, with manifest problems.</summary>
    public static (IReadOnlyCollection<string> Names, IReadOnlyList<Diagnostic> Diagnostics) Names(string workflowFolder, IEnumerable<string> extra, IReadOnlyCollection<string> dotnet)
    {
        var scan = FunctionDirectoryScanner.Scan(Folders(workflowFolder, extra));
        var names = new HashSet<string>(dotnet, StringComparer.Ordinal);
        names.UnionWith(scan.Manifests.Select(m => m.Name));
        return (names, scan.Diagnostics);
    }

    private static string? RepositoryFunctions()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return Path.Combine(dir.FullName, "workflows", "functions");
            }
        }

        return null;
    }
}
