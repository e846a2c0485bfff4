using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Engine.Embedded;
using Orchestrator.Engine.Loading;
using Orchestrator.Engine.Reporting;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Examples;
using Orchestrator.Stores.Postgres;
using Orchestrator.Stores.Tests.Support;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Stores.Tests;

/// <summary>The embedded engine on the PostgreSQL store: real workflows, their commits, and a takeover between engines.</summary>
public sealed class EndToEndTests : DatabaseTest
{
    private const string Napper = """
        document: { name: napper, version: 1.0.0 }
        do:
          - hello:
              call: greet
              with: { name: before }
          - nap:
              wait: 2s
          - bye:
              call: greet
              with: { name: "{{ hello.message }}" }
        """;

    private readonly FunctionRegistry _functions = new FunctionRegistry().AddAssembly(typeof(ExampleFunctions).Assembly);

    [Fact]
    public async Task EmbeddedRuntime_HelloAndFiftyConcurrentOrders_CompleteAndReadBackFromAnotherStore()
    {
        var loaded = WorkflowLoader.Load([RepositoryRoot.Combine("workflows", "hello"), RepositoryRoot.Combine("workflows", "orders")], _functions.Names);
        Assert.Empty(loaded.Diagnostics);
        var hello = loaded.Workflows.Single(w => w.Name == "hello");
        var orders = loaded.Workflows.Single(w => w.Name == "orders");
        var order = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryRoot.Combine("workflows", "orders", "order.json")));

        string helloId;
        await using (var runtime = new EmbeddedRuntime(loaded.Catalog, _functions, await Db.OpenAsync(), ownsStore: true))
        {
            var greeted = await runtime.Engine.RunAsync(hello, new JsonObject { ["name"] = "Ada" });
            Assert.Equal(RunStatus.Completed, greeted.Status);
            Assert.Equal("Hello, Ada!", greeted.Output?["message"]?.GetValue<string>());
            helloId = greeted.RunId;

            var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => runtime.Engine.RunAsync(orders, order!.DeepClone())));
            Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
        }

        // What `orchestrator runs` and `runs show` read, through another store on the same database.
        await using var reader = await Db.OpenAsync();
        var runs = await reader.ListRunsAsync(100, CancellationToken.None);
        Assert.Equal(51, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        var run = await reader.GetRunAsync(helloId[..12], CancellationToken.None);
        Assert.Equal(helloId, run?.Id);
        var history = await reader.GetHistoryAsync(helloId, CancellationToken.None);
        Assert.Equal(HistoryEventKind.RunStarted, history[0].Kind);
        Assert.Equal(HistoryEventKind.RunCompleted, history[^1].Kind);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e.Sequence));

        using var details = new StringWriter();
        RunReportWriter.WriteRunDetails(details, run!, history);
        Assert.Contains("greeting", details.ToString(), StringComparison.Ordinal);
        Assert.Contains("Hello, Ada!", details.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumeExpiredRuns_RunSuspendedByOneEngine_IsFinishedByAnotherWithoutRepeatingItsFirstCall()
    {
        var folder = Directory.CreateTempSubdirectory("orchestrator-pg-resume-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "napper.yaml"), Napper);
            var loaded = WorkflowLoader.Load([folder], _functions.Names);
            Assert.Empty(loaded.Diagnostics);
            var lease = TimeSpan.FromSeconds(1);

            // Engine A starts the run and stops during the nap: the run stays running in the store, its lease released.
            RunResult suspended;
            await using (var a = new EmbeddedRuntime(loaded.Catalog, _functions, await Db.OpenAsync(lease, "engine-a"), ownsStore: true))
            {
                var running = a.Engine.RunAsync(loaded.Workflows.Single(), new JsonObject());
                await using var probe = await Db.OpenAsync();
                await WaitForAsync(probe, HistoryEventKind.StepStarted, "nap");
                a.Engine.SuspendAllRuns();
                suspended = await running;
                await a.Engine.ReleaseLeasesAsync(CancellationToken.None);
            }

            Assert.Equal(RunStatus.Running, suspended.Status);

            // A's lease beat may have renewed the lease once more after the release, until A stopped: wait it out.
            await Task.Delay(lease + TimeSpan.FromMilliseconds(200));

            // Engine B, another store on the same database, claims it and drives it to its end.
            await using var b = new EmbeddedRuntime(loaded.Catalog, _functions, await Db.OpenAsync(lease, "engine-b"), ownsStore: true);
            var resumed = Assert.Single(await b.Engine.ResumeExpiredRunsAsync(CancellationToken.None));
            var result = await resumed.Completion;

            Assert.Equal(suspended.RunId, result.RunId);
            Assert.Equal(RunStatus.Completed, result.Status);
            Assert.Equal("Hello, Hello, before!!", result.Output?["message"]?.GetValue<string>());
            var history = await b.Store.GetHistoryAsync(result.RunId, CancellationToken.None);
            Assert.Equal(1, history.Count(e => e.Kind == HistoryEventKind.FunctionInvoked && e.StepPath == "hello"));
            Assert.Contains(history, e => e.Kind == HistoryEventKind.RunResumed);
            Assert.Equal("engine-b", (await LeaseAsync(result.RunId)).Owner);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WaitForAsync(PostgresRunStore store, HistoryEventKind kind, string step)
    {
        for (var i = 0; i < 400; i++)
        {
            foreach (var run in await store.ListRunsAsync(10, CancellationToken.None))
            {
                if ((await store.GetHistoryAsync(run.Id, CancellationToken.None)).Any(e => e.Kind == kind && e.StepPath == step))
                {
                    return;
                }
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"no run reached {kind} of '{step}'");
    }
}
