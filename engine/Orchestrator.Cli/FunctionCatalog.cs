using Orchestrator.Core.Validation;
using Orchestrator.Examples;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Cli;

/// <summary>
/// The functions a workflow can call: the C# functions of the example assembly (in-process), and every
/// <c>functions/&lt;name&gt;/function.yaml</c> found in the function folders — by default <c>functions/</c> beside the
/// workflow and the repository's <c>workflows/functions</c>, plus each <c>--functions DIR</c>.
/// </summary>
internal static class FunctionCatalog
{
    // The repository's workflows/functions, looked up once: every workflow folder shares it.
    private static readonly Lazy<string?> SharedFunctions = new(RepositoryFunctions);

    public static FunctionRegistry Create(TimeProvider? time = null) =>
        new FunctionRegistry().AddAssembly(typeof(ExampleFunctions).Assembly, time);

    /// <summary>How manifest functions run here: the environment's choice (<c>$ORCHESTRATOR_ISOLATION</c>).</summary>
    /// <exception cref="UsageException"><c>$ORCHESTRATOR_ISOLATION</c> is neither process nor container.</exception>
    public static WorkerOptions WorkerOptions()
    {
        try
        {
            return new WorkerOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new UsageException($"${ex.Message}");
        }
    }

    /// <summary>The <c>--functions</c> folders, checked: each must exist.</summary>
    /// <exception cref="UsageException">One is not a folder.</exception>
    public static IReadOnlyList<string> Checked(IReadOnlyList<string> functionsOptions)
    {
        foreach (var folder in functionsOptions.Where(f => !Directory.Exists(f)))
        {
            throw new UsageException(File.Exists(folder)
                ? $"{folder} is a file, not a folder (--functions takes a folder of functions/NAME/function.yaml)"
                : $"no such folder: {folder} (--functions)");
        }

        return functionsOptions;
    }

    /// <summary>The folders searched for manifests for a workflow in <paramref name="workflowFolder"/>.</summary>
    public static IReadOnlyList<string> Folders(string workflowFolder, IEnumerable<string> extra)
    {
        var folders = new List<string> { Path.Combine(workflowFolder, "functions") };
        if (SharedFunctions.Value is { } shared)
        {
            folders.Add(shared);
        }

        folders.AddRange(extra);
        return [.. folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Where(Directory.Exists)];
    }

    /// <summary>
    /// The folders searched for manifests by commands that take whole workflow folders (<c>serve</c>, <c>resume</c>):
    /// every <c>functions/</c> folder under the folders of <paramref name="workflowPaths"/>, plus <paramref name="extra"/>.
    /// </summary>
    public static IEnumerable<string> FoldersUnder(IEnumerable<string> workflowPaths, IEnumerable<string> extra) =>
        extra
            .Concat(workflowPaths.Where(Directory.Exists).SelectMany(FindFunctionFolders))
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal);

    private static IEnumerable<string> FindFunctionFolders(string root) =>
        Directory.EnumerateDirectories(root, "functions", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"));

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
