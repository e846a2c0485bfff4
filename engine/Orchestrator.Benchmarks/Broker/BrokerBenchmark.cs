using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Benchmarks.Engine;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Core.Parsing;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;

namespace Orchestrator.Benchmarks.Broker;

/// <summary>
/// <c>./orchestrator bench broker</c>: steps per second and step latency of a 5-step workflow of trivial C# functions
/// when every step travels through RabbitMQ (persistent invocation messages, publisher confirms, acknowledgement after
/// the confirmed reply), engine and worker in this process on separate connections.
/// </summary>
internal static class BrokerBenchmark
{
    private const string Usage = """
        usage: orchestrator bench broker [--rabbitmq URL] [--runs N] [--in-flight N] [--lone N]
                                         [--store sqlite|memory|both] [--reply direct|queue|both] [--prefetch N]
                                         [--broker-pid PID]

          --rabbitmq URL   the broker (default $ORCHESTRATOR_RABBITMQ; start one with tests/rabbitmq.sh start)
          --runs N         runs in the throughput phase (default 4000; 5 steps each)
          --in-flight N    runs going on at once in the throughput phase (default 100)
          --lone N         runs one after another for the unloaded latency (default 200)
          --store KIND     the engine's run store: sqlite (durable, default), memory, or both
          --reply PATH     reply path: direct (direct reply-to, default), queue (durable reply queue), or both
          --prefetch N     the worker's prefetch per function queue (default 64)
          --broker-pid PID a local broker's process (tests/rabbitmq.sh pid): also report its CPU time per step
        """;

    private const string Yaml = """
        document: { name: broker-bench, version: 1.0.0 }
        do:
          - s1: { call: bench-add, with: { value: "{{ input.value }}" } }
          - s2: { call: bench-double, with: { value: "{{ s1.value }}" } }
          - s3: { call: bench-add3, with: { value: "{{ s2.value }}" } }
          - s4: { call: bench-add, with: { value: "{{ s3.value }}" } }
          - s5: { call: bench-double, with: { value: "{{ s4.value }}" } }
        """;

    private const int Steps = 5;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || args[i] is "--help")
            {
                await output.WriteLineAsync(Usage).ConfigureAwait(false);
                return args[i] is "--help" ? 0 : 2;
            }

            options[args[i][2..]] = args[++i];
        }

        var address = RabbitMqAddress.Resolve(options.GetValueOrDefault("rabbitmq"));
        if (address is null)
        {
            await Console.Error.WriteLineAsync($"bench broker: no broker; pass --rabbitmq URL or set {RabbitMqAddress.EnvironmentVariable} (a private one: export {RabbitMqAddress.EnvironmentVariable}=\"$(tests/rabbitmq.sh start)\")").ConfigureAwait(false);
            return 2;
        }

        var runs = Number(options, "runs", 4000);
        var inFlight = Number(options, "in-flight", 100);
        var lone = Number(options, "lone", 200);
        var prefetch = Number(options, "prefetch", 64);
        var brokerPid = options.TryGetValue("broker-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : (int?)null;
        string[] stores = options.GetValueOrDefault("store", "sqlite") is "both" ? ["sqlite", "memory"] : [options.GetValueOrDefault("store", "sqlite")];
        string[] replies = options.GetValueOrDefault("reply", "direct") is "both" ? ["direct", "queue"] : [options.GetValueOrDefault("reply", "direct")];

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"broker benchmark: {Steps}-step workflow of trivial C# functions over RabbitMQ at {RabbitMqAddress.Redact(address)}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"persistent invocations on durable queues, publisher confirms, ack after the confirmed reply; {Environment.ProcessorCount} cores shared with the broker")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"throughput: {runs} runs, {inFlight} in flight; latency: {lone} runs one at a time; worker prefetch {prefetch}")).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("                            loaded                   one run at a time      CPU per step").ConfigureAwait(false);
        await output.WriteLineAsync("store   reply   steps/s     p50       p99          p50       p99          engine+worker  broker").ConfigureAwait(false);
        // An unreported pass first: the JIT's tiering and the broker's first queues would otherwise weigh on whichever
        // configuration happens to come first.
        await MeasureAsync(address, "memory", RabbitMqReplyPath.DirectReplyTo, prefetch, Math.Min(runs, 2000), inFlight, 10, null).ConfigureAwait(false);
        foreach (var store in stores)
        {
            foreach (var reply in replies)
            {
                var line = await MeasureAsync(address, store, reply == "queue" ? RabbitMqReplyPath.Queue : RabbitMqReplyPath.DirectReplyTo, prefetch, runs, inFlight, lone, brokerPid).ConfigureAwait(false);
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static async Task<string> MeasureAsync(Uri address, string storeKind, RabbitMqReplyPath replyPath, int prefetch, int runs, int inFlight, int lone, int? brokerPid)
    {
        var workflow = WorkflowParser.Parse(Yaml, "broker-bench.yaml", _ => null).Workflow
            ?? throw new InvalidOperationException("the benchmark workflow does not parse");
        var catalog = new WorkflowCatalog();
        catalog.TryAdd(workflow);
        var functions = new FunctionRegistry()
            .AddFunction("bench-add", new BenchAdd())
            .AddFunction("bench-double", new BenchDouble())
            .AddFunction("bench-add3", new BenchAddThree());
        var folder = Directory.CreateTempSubdirectory("orchestrator-broker-bench-");
        IRunStore store = storeKind == "memory" ? new InMemoryRunStore() : new SqliteRunStore(Path.Combine(folder.FullName, "runs.db"));
        var prefix = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var options = new RabbitMqOptions { Address = address, Prefix = prefix, ReplyPath = replyPath, DefaultConcurrency = prefetch };
        var steps = new StepTimer();
        try
        {
            await using (var runtime = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, options, catalog, functions, store, ownsStore: true, observer: steps).ConfigureAwait(false))
            {
                // Warm up until the JIT has tiered the hot paths and the broker's queues are settled.
                await BurstAsync(runtime.Engine, workflow, Math.Max(1000, runs / 4), inFlight).ConfigureAwait(false);

                steps.Reset();
                for (var i = 0; i < lone; i++)
                {
                    await RunOnceAsync(runtime.Engine, workflow).ConfigureAwait(false);
                }

                var (loneP50, loneP99) = steps.Percentiles();

                steps.Reset();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var brokerCpu = BrokerCpu(brokerPid);
                var started = Stopwatch.GetTimestamp();
                await BurstAsync(runtime.Engine, workflow, runs, inFlight).ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var processMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / (runs * Steps);
                var brokerMicros = brokerCpu is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{(BrokerCpu(brokerPid)!.Value - brokerCpu.Value).TotalMicroseconds / (runs * Steps),4:F0} µs");
                var (p50, p99) = steps.Percentiles();
                return string.Create(CultureInfo.InvariantCulture,
                    $"{storeKind,-7} {(replyPath == RabbitMqReplyPath.Queue ? "queue" : "direct"),-7} {runs * Steps / elapsed.TotalSeconds,7:F0}  {p50,7:F2} ms {p99,7:F2} ms   {loneP50,6:F2} ms {loneP99,6:F2} ms    {processMicros,4:F0} µs        {brokerMicros}");
            }
        }
        finally
        {
            await DeleteTopologyAsync(address, prefix, functions.Names).ConfigureAwait(false);
            folder.Delete(recursive: true);
        }
    }

    private static async Task BurstAsync(WorkflowEngine engine, WorkflowDefinition workflow, int runs, int inFlight)
    {
        var next = -1;
        var lanes = Enumerable.Range(0, Math.Min(inFlight, runs)).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < runs)
            {
                await RunOnceAsync(engine, workflow).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(lanes).ConfigureAwait(false);
    }

    private static async Task RunOnceAsync(WorkflowEngine engine, WorkflowDefinition workflow)
    {
        var result = await engine.RunAsync(workflow, new JsonObject { ["value"] = 1 }).ConfigureAwait(false);
        if (result.Status != RunStatus.Completed || result.Output?["value"]?.GetValue<int>() != 16)
        {
            throw new InvalidOperationException($"run {result.RunId} ended {result.Status}: {result.Error?.Type} {result.Error?.Message} {result.Output?.ToJsonString()}");
        }
    }

    /// <summary>Leaves the broker as it was: the benchmark's queues and exchange carry a prefix of their own.</summary>
    private static async Task DeleteTopologyAsync(Uri address, string prefix, IEnumerable<string> functions)
    {
        var factory = new ConnectionFactory { Uri = address };
        await using var connection = await factory.CreateConnectionAsync().ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        foreach (var function in functions)
        {
            await channel.QueueDeleteAsync($"{prefix}.fn.{function}").ConfigureAwait(false);
            await channel.QueueDeleteAsync($"{prefix}.fn.{function}.error").ConfigureAwait(false);
        }

        await channel.ExchangeDeleteAsync($"{prefix}.control").ConfigureAwait(false);
    }

    /// <summary>User plus system CPU time of a local process, from <c>/proc/PID/stat</c> (Linux).</summary>
    private static TimeSpan? BrokerCpu(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is 14th, stime 15th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static int Number(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Step latency: from a call step's start (its invocation is about to be published) to its completion.</summary>
    private sealed class StepTimer : IRunObserver
    {
        private readonly ConcurrentDictionary<(string Run, string? Step), long> _started = new();
        private readonly ConcurrentBag<double> _latencies = [];

        public void OnEvent(HistoryEvent historyEvent)
        {
            switch (historyEvent.Kind)
            {
                case HistoryEventKind.StepStarted:
                    _started[(historyEvent.RunId, historyEvent.StepPath)] = Stopwatch.GetTimestamp();
                    break;
                case HistoryEventKind.StepCompleted when _started.TryRemove((historyEvent.RunId, historyEvent.StepPath), out var start):
                    _latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    break;
            }
        }

        public void Reset()
        {
            _started.Clear();
            _latencies.Clear();
        }

        public (double P50, double P99) Percentiles()
        {
            var sorted = _latencies.Order().ToArray();
            return sorted.Length == 0 ? (0, 0) : (Engine.Percentiles.Of(sorted, 50), Engine.Percentiles.Of(sorted, 99));
        }
    }
}
