using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Integration.Tests.Events;

/// <summary>
/// A run still busy when the drain timeout ends is suspended, not cancelled: it stays running in the store, and the
/// next engine resumes it and sends its call again.
/// </summary>
[Collection(BrokerTests.Name)]
public sealed class SuspendOnStopTests(BrokerFixture broker)
{
    private const string Yaml = """
        document: { name: slow, version: 1.0.0 }
        do:
          - work: { call: work, with: { n: "{{ input.n }}" } }
        """;

    [Fact]
    public async Task Stop_RunInACallPastTheDrainTimeout_IsSuspendedAndTheNextEngineCompletesIt()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("work");
        using var folder = new TempFolder();
        var path = folder.File("runs.db");
        var (catalog, workflow) = Workflows.Parse(Yaml);
        var options = scope.Options() with { DrainTimeout = TimeSpan.FromSeconds(1) };

        var gate = new GateFunction("never");
        var first = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, options, catalog, new FunctionRegistry().AddFunction("work", gate), new SqliteRunStore(path), ownsStore: true);
        var run = await first.Engine.StartAsync(workflow, new JsonObject { ["n"] = 3 });
        await gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();

        var suspended = await run.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Running, suspended.Status);

        var echo = new EchoFunction();
        await using var second = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, options, catalog, new FunctionRegistry().AddFunction("work", echo), new SqliteRunStore(path), ownsStore: true);
        RunRecord? record = null;
        await Eventually.TrueAsync(
            () => (record = second.Store.GetRunAsync(run.RunId, CancellationToken.None).GetAwaiter().GetResult())?.Status == RunStatus.Completed,
            "the resumed run to complete");
        Assert.Equal(3, record!.Output!["n"]!.GetValue<int>());
        Assert.True(echo.Calls >= 1);
    }
}
