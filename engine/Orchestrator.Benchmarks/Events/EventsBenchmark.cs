using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Benchmarks.Engine;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Core.Parsing;
using Orchestrator.Engine.Embedded;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Benchmarks.Events;

/// <summary>
/// <c>bench events [--runs N]</c>: how fast messages meet waiting <c>listen</c> steps, embedded, on the durable
/// SQLite store. For N and N/5 correlated runs side by side: runs waiting first, then one message per run (in
/// reverse order); and messages stored first, then the runs. Prints messages/s and per-message latency from
/// delivery to the run's end; the ratio of the per-message cost at N and at N/5 shows whether matching stays
/// flat as runs pile up (it would grow with N if each message were tested against every waiting run).
/// </summary>
internal static class EventsBenchmark
{
    private const string Workflow = """
        document: { name: waiter, version: 1.0.0 }
        do:
          - paid:
              listen:
                to: payments
                correlate: { key: "{{ message.data.order }}", equals: "{{ input.order }}" }
          - done:
              output: "{{ paid.data.order }}"
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var runs = 5_000;
        if (args is ["--runs", var text] && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out runs) || runs < 5))
        {
            await output.WriteLineAsync("usage: orchestrator bench events [--runs N]   (N >= 5, default 5000)").ConfigureAwait(false);
            return 2;
        }

        var parsed = WorkflowParser.Parse(Workflow, "waiter.yaml", _ => null);
        var catalog = new WorkflowCatalog();
        catalog.TryAdd(parsed.Workflow!);
        await output.WriteLineAsync($"listen matching, embedded, SQLite store; {Environment.ProcessorCount} cores").ConfigureAwait(false);
        await output.WriteLineAsync("runs   order            messages/s   p50 ms   p99 ms   µs/message").ConfigureAwait(false);
        var perMessage = new Dictionary<(int, bool), double>();
        foreach (var count in new[] { runs / 5, runs })
        {
            foreach (var waitingFirst in new[] { true, false })
            {
                var result = await MeasureAsync(catalog, parsed.Workflow!, count, waitingFirst).ConfigureAwait(false);
                perMessage[(count, waitingFirst)] = result.MicrosPerMessage;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{count,-6} {(waitingFirst ? "runs first" : "messages first"),-16} {result.PerSecond,10:0}   {result.P50,6:0.00}   {result.P99,6:0.00}   {result.MicrosPerMessage,10:0.0}")).ConfigureAwait(false);
            }
        }

        foreach (var waitingFirst in new[] { true, false })
        {
            var ratio = perMessage[(runs, waitingFirst)] / perMessage[(runs / 5, waitingFirst)];
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"cost per message at {runs} vs {runs / 5} runs ({(waitingFirst ? "runs first" : "messages first")}): {ratio:0.00}x")).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<Result> MeasureAsync(WorkflowCatalog catalog, WorkflowDefinition workflow, int count, bool waitingFirst)
    {
        var folder = Directory.CreateTempSubdirectory("orchestrator-bench-events-");
        try
        {
            var store = new SqliteRunStore(Path.Combine(folder.FullName, "runs.db"));
            await using var runtime = new EmbeddedRuntime(catalog, new FunctionRegistry(), store, ownsStore: true);
            var hub = runtime.Engine.Events!;
            var latencies = new double[count];
            var runsDone = new Task<RunResult>[count];
            var clock = Stopwatch.StartNew();
            if (waitingFirst)
            {
                for (var i = 0; i < count; i++)
                {
                    runsDone[i] = runtime.Engine.RunAsync(workflow, new JsonObject { ["order"] = i });
                }

                while (hub.Waiting < count)
                {
                    await Task.Delay(5).ConfigureAwait(false);
                }
            }
            else
            {
                for (var i = count - 1; i >= 0; i--)
                {
                    await hub.DeliverAsync("payments", EventMessages.FromPlainJson(new JsonObject { ["order"] = i }, null), CancellationToken.None).ConfigureAwait(false);
                }
            }

            clock.Restart();
            var recorded = new List<Task>(count);
            if (waitingFirst)
            {
                for (var i = count - 1; i >= 0; i--)
                {
                    var index = i;
                    var sent = clock.Elapsed;
                    await hub.DeliverAsync("payments", EventMessages.FromPlainJson(new JsonObject { ["order"] = index }, null), CancellationToken.None).ConfigureAwait(false);
                    recorded.Add(runsDone[index].ContinueWith(_ => latencies[index] = (clock.Elapsed - sent).TotalMilliseconds, TaskScheduler.Default));
                }
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    var index = i;
                    var started = clock.Elapsed;
                    runsDone[i] = runtime.Engine.RunAsync(workflow, new JsonObject { ["order"] = i });
                    recorded.Add(runsDone[i].ContinueWith(_ => latencies[index] = (clock.Elapsed - started).TotalMilliseconds, TaskScheduler.Default));
                }
            }

            var results = await Task.WhenAll(runsDone).ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            if (results.Any(r => r.Status != RunStatus.Completed) || hub.Unconsumed != 0)
            {
                throw new InvalidOperationException("a run did not receive its message");
            }

            await Task.WhenAll(recorded).ConfigureAwait(false);
            Array.Sort(latencies);
            return new Result(count / elapsed.TotalSeconds, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), elapsed.TotalMicroseconds / count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private sealed record Result(double PerSecond, double P50, double P99, double MicrosPerMessage);
}
