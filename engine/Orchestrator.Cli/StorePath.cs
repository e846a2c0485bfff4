using System.Globalization;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Cli;

/// <summary>
/// Where the SQLite store lives: <c>--store</c>, else <c>$ORCHESTRATOR_STORE</c>, else <c>.orchestrator/runs.db</c>;
/// and how long its run leases last: <c>$ORCHESTRATOR_LEASE_SECONDS</c>, else 60 s.
/// </summary>
internal static class StorePath
{
    public const string LeaseVariable = "ORCHESTRATOR_LEASE_SECONDS";

    public static string Resolve(string? option) =>
        option ?? Environment.GetEnvironmentVariable("ORCHESTRATOR_STORE") ?? Path.Combine(".orchestrator", "runs.db");

    /// <summary>Opens the store that <paramref name="option"/> names, with the lease of the environment.</summary>
    public static SqliteRunStore Open(string? option) => new(Resolve(option), Lease());

    private static TimeSpan? Lease()
    {
        if (Environment.GetEnvironmentVariable(LeaseVariable) is not { Length: > 0 } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"${LeaseVariable} must be a positive number of seconds, not '{text}'");
    }
}
