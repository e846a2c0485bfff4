using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.Parsing;
using Orchestrator.Engine.Embedded;
using Orchestrator.Stores.Tests.Support;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Stores.Tests;

/// <summary>
/// Two engines on one PostgreSQL store share its inbox: a message either engine stores reaches the run that waits
/// for it on the other, and a message two waiting runs could take goes to one of them only.
/// </summary>
public sealed class SharedInboxTests : DatabaseTest
{
    private const string Correlated = """
        document: { name: correlated, version: 1.0.0 }
        do:
          - paid:
              listen: { to: payments, correlate: { key: "{{ message.data.order }}", equals: "{{ input.order }}" } }
              timeout: 30s
        """;

    private const string Anything = """
        document: { name: anything, version: 1.0.0 }
        do:
          - got:
              listen: { to: pings }
              timeout: 30s
        """;

    private readonly WorkflowCatalog _catalog = new();

    public SharedInboxTests()
    {
        foreach (var yaml in new[] { Correlated, Anything })
        {
            _catalog.TryAdd(WorkflowParser.Parse(yaml, "test.yaml", _ => null).Workflow!);
        }
    }

    [Fact]
    public async Task MessageStoredByOneEngine_ReachesTheRunWaitingOnTheOther()
    {
        await using var a = new EmbeddedRuntime(_catalog, new FunctionRegistry(), await Db.OpenAsync(), ownsStore: true);
        await using var b = new EmbeddedRuntime(_catalog, new FunctionRegistry(), await Db.OpenAsync(), ownsStore: true);
        var waiting = b.Engine.RunAsync(_catalog.Find("correlated", null)!, JsonNode.Parse("""{ "order": 7 }"""));
        await WaitUntilAsync(() => b.Engine.Events!.Waiting == 1);

        await a.Engine.Events!.DeliverAsync("payments", EventMessages.FromPlainJson(JsonNode.Parse("""{ "order": 7 }"""), "p-7"), CancellationToken.None);
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("p-7", result.Output!["id"]!.GetValue<string>());
        Assert.Empty(await (await Db.OpenAsync()).ListMessagesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task MessageThatRunsOnBothEnginesWaitFor_GoesToOneRunOnly()
    {
        await using var a = new EmbeddedRuntime(_catalog, new FunctionRegistry(), await Db.OpenAsync(), ownsStore: true);
        await using var b = new EmbeddedRuntime(_catalog, new FunctionRegistry(), await Db.OpenAsync(), ownsStore: true);
        var anything = _catalog.Find("anything", null)!;
        var onA = a.Engine.RunAsync(anything, new JsonObject());
        var onB = b.Engine.RunAsync(anything, new JsonObject());
        await WaitUntilAsync(() => a.Engine.Events!.Waiting == 1 && b.Engine.Events!.Waiting == 1);

        // Stored through A and seen by B's poll: both hubs may offer it, only one run can claim it.
        await a.Engine.Events!.DeliverAsync("pings", EventMessages.FromPlainJson(JsonValue.Create(1), "one"), CancellationToken.None);
        var first = await Task.WhenAny(onA, onB).WaitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(1_500);
        Assert.Equal(1, new[] { onA, onB }.Count(t => t.IsCompleted));

        await b.Engine.Events!.DeliverAsync("pings", EventMessages.FromPlainJson(JsonValue.Create(2), "two"), CancellationToken.None);
        var second = await (first == onA ? onB : onA).WaitAsync(TimeSpan.FromSeconds(20));

        var ids = new[] { (await first).Output!["id"]!.GetValue<string>(), second.Output!["id"]!.GetValue<string>() };
        Assert.Equal(["one", "two"], ids);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the runs never started waiting");
    }

    [Fact]
    public async Task VersionOneDatabase_GainsClaims_WhenOpened()
    {
        await using (await Db.OpenAsync())
        {
        }

        await Db.ScalarAsync("ALTER TABLE inbox DROP COLUMN claimed_by;");
        await Db.ScalarAsync("UPDATE orchestrator_schema SET version = 1;");
        await using var store = await Db.OpenAsync();
        var id = await store.AddMessageAsync("payments", new JsonObject { ["id"] = "m" }, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal(2, await Db.ScalarAsync("SELECT version FROM orchestrator_schema;"));
        Assert.True(await store.ClaimMessageAsync(id, "run-a", CancellationToken.None));
        Assert.True(await store.ClaimMessageAsync(id, "run-a", CancellationToken.None));
        Assert.False(await store.ClaimMessageAsync(id, "run-b", CancellationToken.None));
        Assert.Equal("run-a", Assert.Single(await store.ListMessagesAsync(CancellationToken.None)).ClaimedBy);
    }
}
