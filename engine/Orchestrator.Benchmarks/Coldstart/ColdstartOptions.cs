using System.Globalization;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>The command line of <c>./orchestrator bench coldstart</c>.</summary>
internal sealed record ColdstartOptions(int Samples, int WarmPerSample, IReadOnlyList<FunctionRuntime> Runtimes)
{
    public const string Usage = """
        usage: orchestrator bench coldstart [--samples N] [--runtimes python,node,php] [--warm N]

          --samples N       timings per measure per runtime (default 20), runtimes interleaved per sample
          --runtimes LIST   which adapters to measure (default python,node,php)
          --warm N          round trips timed per sample on the cold start's instance right after it, and again
                            after 50 more (the warm figure) (default 10)
        """;

    public static bool TryParse(ReadOnlySpan<string> args, out ColdstartOptions options, out string? error)
    {
        var samples = 20;
        var warm = 10;
        List<FunctionRuntime> runtimes = [FunctionRuntime.Python, FunctionRuntime.Node, FunctionRuntime.Php];
        options = new ColdstartOptions(samples, warm, runtimes);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--samples" when Positive(value, out samples):
                case "--warm" when Positive(value, out warm):
                    i++;
                    break;
                case "--runtimes" when value is not null && ParseRuntimes(value, out runtimes):
                    i++;
                    break;
                default:
                    error = value is null || !args[i].StartsWith("--", StringComparison.Ordinal)
                        ? $"unexpected argument '{args[i]}'"
                        : $"bad value '{value}' for {args[i]}";
                    return false;
            }
        }

        options = new ColdstartOptions(samples, warm, runtimes);
        return true;
    }

    private static bool Positive(string? text, out int number) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;

    private static bool ParseRuntimes(string text, out List<FunctionRuntime> runtimes)
    {
        runtimes = [];
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            FunctionRuntime? runtime = name switch
            {
                "python" => FunctionRuntime.Python,
                "node" => FunctionRuntime.Node,
                "php" => FunctionRuntime.Php,
                _ => null,
            };
            if (runtime is not { } known)
            {
                return false;
            }

            if (!runtimes.Contains(known))
            {
                runtimes.Add(known);
            }
        }

        return runtimes.Count > 0;
    }
}
