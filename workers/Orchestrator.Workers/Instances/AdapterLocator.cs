using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Instances;

/// <summary>Finds <c>adapters/&lt;runtime&gt;/adapter.&lt;ext&gt;</c>.</summary>
internal static class AdapterLocator
{
    /// <summary>Names the adapters folder explicitly (the worker image sets it to <c>/srv/adapters</c>).</summary>
    public const string EnvironmentVariable = "ORCHESTRATOR_ADAPTERS";

    /// <summary>
    /// The adapters folder: <paramref name="configured"/>, else <c>$ORCHESTRATOR_ADAPTERS</c>, else <c>adapters/</c>
    /// beside the first <c>Orchestrator.sln</c> above the application (a checkout), else <c>adapters/</c> in the
    /// application's folder; null when none exists.
    /// </summary>
    public static string? Find(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured);
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
            {
                return Path.Combine(directory.FullName, "adapters");
            }
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "adapters");
        return Directory.Exists(beside) ? beside : null;
    }

    /// <summary>The adapter script of a runtime inside the adapters folder.</summary>
    public static string Script(string adapters, FunctionRuntime runtime) => runtime switch
    {
        FunctionRuntime.Python => Path.Combine(adapters, "python", "adapter.py"),
        FunctionRuntime.Node => Path.Combine(adapters, "node", "adapter.js"),
        FunctionRuntime.Php => Path.Combine(adapters, "php", "adapter.php"),
        _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, "C# functions run in-process, not in an adapter"),
    };

    /// <summary>The runtime's name as manifests, ids and images spell it.</summary>
    public static string Name(FunctionRuntime runtime) => runtime switch
    {
        FunctionRuntime.Python => "python",
        FunctionRuntime.Node => "node",
        FunctionRuntime.Php => "php",
        _ => "dotnet",
    };
}
