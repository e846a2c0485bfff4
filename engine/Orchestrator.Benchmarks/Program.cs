using System.Globalization;
using Orchestrator.Benchmarks.Engine;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Benchmark programs. <c>./orchestrator bench engine [options]</c> runs the engine comparison
/// (Orchestrator against WorkflowCore); see <c>docs/benchmarks.md</c>.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: orchestrator bench engine [--runs N] [--lone N] [--store sqlite|memory|both|postgres] [--profile]
                                         [--time-limit SECONDS] [--only orchestrator|workflowcore]

          --runs N          runs started at once in the throughput phase (default 5000; 3 steps each)
          --lone N          runs measured one after another for latency (default 300)
          --store KIND      Orchestrator's store: sqlite (durable, default), memory, both, or postgres (sqlite and
                            PostgreSQL side by side; the server from $ORCHESTRATOR_POSTGRES)
          --profile         also break Orchestrator's cost down by component (store, worker, engine)
          --only ENGINE     measure only orchestrator or only workflowcore
          --time-limit S    stop waiting for a burst after S seconds and report the steps done by then (default 60)

               orchestrator bench coldstart [--samples N] [--runtimes python,node,php] [--warm N]
               orchestrator bench events [--runs N]
               orchestrator bench broker
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "broker")
        {
            return await Broker.BrokerBenchmark.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
        }

        if (args[0] == "events")
        {
            return await Events.EventsBenchmark.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
        }

        if (args[0] == "coldstart")
        {
            return await Coldstart.ColdstartBenchmark.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
        }

        if (args[0] != "engine")
        {
            await Console.Error.WriteLineAsync($"bench: unknown benchmark '{args[0]}'\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        if (args.AsSpan(1).Contains("--help") || args.AsSpan(1).Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (!EngineBenchOptions.TryParse(args.AsSpan(1), out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"bench: {error}\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        return await EngineBenchmark.RunAsync(options, Console.Out).ConfigureAwait(false);
    }
}
