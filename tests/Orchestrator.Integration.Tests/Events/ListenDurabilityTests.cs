using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Transport.RabbitMq.Publishing;

namespace Orchestrator.Integration.Tests.Events;

/// <summary>
/// A run waiting in <c>listen</c> outlives its engine: a stopped engine suspends it, a crashed one leaves it behind
/// with a lease that expires, and the next engine on the same store resumes it and completes it with the message.
/// </summary>
[Collection(BrokerTests.Name)]
public sealed class ListenDurabilityTests(BrokerFixture broker)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Listen_EngineStopsGracefully_RunStaysRunning_NextEngineResumesAndCompletesIt()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var path = folder.File("runs.db");
        var channel = scope.Queue("durable-payments");
        var (catalog, workflow) = Workflows.Parse(ListenTests.AwaitPayment(channel));

        var first = await scope.StartEngineAsync(catalog, new SqliteRunStore(path), ownsStore: true);
        var run = await first.Engine.StartAsync(workflow, new JsonObject { ["order_id"] = 5 });
        await Eventually.TrueAsync(() => first.Engine.Events!.Waiting == 1, "the run to listen");

        // Stopping does not wait for a listening run (the drain timeout is 10 s here) and does not end it.
        var stopping = DateTime.UtcNow;
        await first.DisposeAsync();
        Assert.True(DateTime.UtcNow - stopping < TimeSpan.FromSeconds(8), $"stopping took {DateTime.UtcNow - stopping}");
        var suspended = await run.Completion.WaitAsync(Limit);
        Assert.Equal(RunStatus.Running, suspended.Status);
        await using (var check = new SqliteRunStore(path))
        {
            Assert.Equal(RunStatus.Running, (await check.GetRunAsync(run.RunId, CancellationToken.None))!.Status);
        }

        await using var second = await scope.StartEngineAsync(catalog, new SqliteRunStore(path), ownsStore: true);
        await Eventually.TrueAsync(() => second.Engine.Events!.Waiting == 1, "the resumed run to listen again", Limit);
        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishJsonAsync(channel, new JsonObject { ["order_id"] = 5 }, "payment-5");
        }

        await AssertCompletedWithAsync(second.Store, run.RunId, "payment-5");
        var history = await second.Store.GetHistoryAsync(run.RunId, CancellationToken.None);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.RunSuspended);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.RunResumed);
    }

    [Fact]
    public async Task Listen_EngineCrashes_AnotherEngineClaimsTheRunWhenItsLeaseExpires_AndCompletesIt()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var path = folder.File("runs.db");
        var channel = scope.Queue("crash-payments");
        var (catalog, workflow) = Workflows.Parse(ListenTests.AwaitPayment(channel));
        var lease = TimeSpan.FromSeconds(2);

        var doomedStore = new SqliteRunStore(path, lease, owner: "engine-a");
        var doomed = await scope.StartEngineAsync(catalog, doomedStore);
        var run = await doomed.Engine.StartAsync(workflow, new JsonObject { ["order_id"] = 6 });
        await Eventually.TrueAsync(() => doomed.Engine.Events!.Waiting == 1, "the run to listen");

        // The process dies: no suspension recorded, no lease released; its store's file is closed with it.
        await doomed.KillAsync();
        await doomedStore.DisposeAsync();
        var died = DateTimeOffset.UtcNow;

        await using var survivor = await scope.StartEngineAsync(catalog, new SqliteRunStore(path, lease, owner: "engine-b"), ownsStore: true);
        await Eventually.TrueAsync(() => survivor.Engine.Events!.Waiting == 1, "the survivor to take the run up", Limit);
        var history = await survivor.Store.GetHistoryAsync(run.RunId, CancellationToken.None);
        var resumed = Assert.Single(history, e => e.Kind == HistoryEventKind.RunResumed);
        Assert.Equal("engine-b", resumed.Data!["owner"]!.GetValue<string>());
        Assert.DoesNotContain(history, e => e.Kind == HistoryEventKind.RunSuspended);
        Assert.True(resumed.Timestamp >= died + lease - TimeSpan.FromSeconds(1), $"taken up at {resumed.Timestamp:O}, before the lease could expire (died {died:O})");

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishCloudEventAsync(channel, CloudEventMode.Structured, "order.paid", "/shop", new JsonObject { ["order_id"] = 6 }, id: "payment-6");
        }

        await AssertCompletedWithAsync(survivor.Store, run.RunId, "payment-6");
    }

    private static async Task AssertCompletedWithAsync(IRunStore store, string runId, string messageId)
    {
        RunRecord? record = null;
        await Eventually.TrueAsync(
            () => (record = store.GetRunAsync(runId, CancellationToken.None).GetAwaiter().GetResult())?.Status == RunStatus.Completed,
            "the run to complete in the store",
            Limit);
        Assert.Equal(messageId, record!.Output!["id"]!.GetValue<string>());
        var history = await store.GetHistoryAsync(runId, CancellationToken.None);
        var paid = Assert.Single(history, e => e.Kind == HistoryEventKind.StepCompleted && e.StepPath == "paid");
        Assert.Equal(messageId, paid.Data!["output"]!["id"]!.GetValue<string>());
    }
}
