namespace Orchestrator.Cli;

/// <summary>Where the SQLite store lives: <c>--store</c>, else <c>$ORCHESTRATOR_STORE</c>, else <c>.orchestrator/runs.db</c>.</summary>
internal static class StorePath
{
    public static string Resolve(string? option) =>
        option ?? Environment.GetEnvironmentVariable("ORCHESTRATOR_STORE") ?? Path.Combine(".orchestrator", "runs.db");
}
