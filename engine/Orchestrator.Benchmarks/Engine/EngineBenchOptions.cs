using System.Globalization;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Which Orchestrator store(s) the engine benchmark measures.</summary>
internal enum StoreChoice
{
    Sqlite,
    Memory,
    Both,

    /// <summary>SQLite and PostgreSQL (<c>$ORCHESTRATOR_POSTGRES</c>) side by side.</summary>
    Postgres,
}

/// <summary>Command-line options of <c>bench engine</c>.</summary>
internal sealed record EngineBenchOptions(int Runs, int Lone, StoreChoice Store, bool Profile, TimeSpan TimeLimit, string? Only = null)
{
    public static EngineBenchOptions Default { get; } = new(5000, 300, StoreChoice.Sqlite, false, TimeSpan.FromSeconds(60));

    public static bool TryParse(ReadOnlySpan<string> args, out EngineBenchOptions options, out string? error)
    {
        options = Default;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--profile")
            {
                options = options with { Profile = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"option '{name}' needs a value";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--runs" when TryPositive(value, out var runs):
                    options = options with { Runs = runs };
                    break;
                case "--lone" when TryPositive(value, out var lone):
                    options = options with { Lone = lone };
                    break;
                case "--time-limit" when TryPositive(value, out var seconds):
                    options = options with { TimeLimit = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--store" when value is "sqlite" or "memory" or "both" or "postgres":
                    options = options with
                    {
                        Store = value switch
                        {
                            "memory" => StoreChoice.Memory,
                            "both" => StoreChoice.Both,
                            "postgres" => StoreChoice.Postgres,
                            _ => StoreChoice.Sqlite,
                        },
                    };
                    break;
                case "--only" when value is "orchestrator" or "workflowcore":
                    options = options with { Only = value };
                    break;
                case "--only":
                    error = $"option '--only' takes orchestrator or workflowcore, not '{value}'";
                    return false;
                case "--runs" or "--lone" or "--time-limit":
                    error = $"option '{name}' needs a positive whole number, not '{value}'";
                    return false;
                case "--store":
                    error = $"option '--store' takes sqlite, memory, both or postgres, not '{value}'";
                    return false;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }

        return true;
    }

    private static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
