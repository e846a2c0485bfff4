using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Transport.RabbitMq.Publishing;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Integration.Tests.Events;

/// <summary><c>listen</c> over RabbitMQ: the engine consumes the channel's queue into its inbox, and runs wait there.</summary>
[Collection(BrokerTests.Name)]
public sealed class ListenTests(BrokerFixture broker)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    internal static string AwaitPayment(string channel) => $$$"""
        document: { name: await-payment, version: 1.0.0 }
        do:
          - paid:
              listen:
                to: {{{channel}}}
                correlate: { key: "{{ message.data.order_id }}", equals: "{{ input.order_id }}" }
        """;

    [Fact]
    public async Task Listen_TwoCorrelatedRuns_EachCompletesWithItsOwnMessage_AnUnclaimedOneWaitsInTheInbox()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var channel = scope.Queue("payments");
        var (catalog, workflow) = Workflows.Parse(AwaitPayment(channel));
        await using var runtime = await scope.StartEngineAsync(catalog, new SqliteRunStore(folder.File("runs.db")), ownsStore: true);
        var events = runtime.Engine.Events!;

        var first = await runtime.Engine.StartAsync(workflow, new JsonObject { ["order_id"] = 1 });
        var second = await runtime.Engine.StartAsync(workflow, new JsonObject { ["order_id"] = 2 });
        await Eventually.TrueAsync(() => events.Waiting == 2, "both runs to listen");

        string cloudEventId;
        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishJsonAsync(channel, new JsonObject { ["order_id"] = 2 }, "payment-2");
            cloudEventId = await publisher.PublishCloudEventAsync(channel, CloudEventMode.Structured, "order.paid", "/shop", new JsonObject { ["order_id"] = 1 });
        }

        var two = await second.Completion.WaitAsync(Limit);
        Assert.Equal(RunStatus.Completed, two.Status);
        Assert.Equal(2, two.Output!["data"]!["order_id"]!.GetValue<int>());
        Assert.Equal("payment-2", two.Output["id"]!.GetValue<string>());
        Assert.Null(two.Output["type"]);
        Assert.Equal("application/json", two.Output["datacontenttype"]!.GetValue<string>());

        var one = await first.Completion.WaitAsync(Limit);
        Assert.Equal(RunStatus.Completed, one.Status);
        Assert.Equal(1, one.Output!["data"]!["order_id"]!.GetValue<int>());
        Assert.Equal(cloudEventId, one.Output["id"]!.GetValue<string>());
        Assert.Equal("order.paid", one.Output["type"]!.GetValue<string>());
        Assert.Equal("/shop", one.Output["source"]!.GetValue<string>());

        // A message no run waits for is stored (and acknowledged) and kept for the run that will.
        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishCloudEventAsync(channel, CloudEventMode.Binary, "order.paid", "/shop", new JsonObject { ["order_id"] = 3 });
        }

        await Eventually.TrueAsync(() => runtime.Listens[channel].Stored == 3, $"the third message to be stored ({runtime.Listens[channel]})");
        Assert.Equal(1, events.Unconsumed);
        Assert.Equal(0u, await scope.CountAsync(channel));

        var third = await runtime.Engine.StartAsync(workflow, new JsonObject { ["order_id"] = 3 });
        var three = await third.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(RunStatus.Completed, three.Status);
        Assert.Equal(3, three.Output!["data"]!["order_id"]!.GetValue<int>());
        Assert.Equal(0, events.Unconsumed);
    }

    [Fact]
    public async Task Listen_TimeoutAndNoMessage_RunFailsWithTimeout()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var channel = scope.Queue("silence");
        var (catalog, workflow) = Workflows.Parse($$$"""
            document: { name: impatient, version: 1.0.0 }
            do:
              - paid:
                  listen: { to: {{{channel}}} }
                  timeout: 1s
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new SqliteRunStore(folder.File("runs.db")), ownsStore: true);

        var result = await runtime.Engine.RunAsync(workflow, null).WaitAsync(Limit);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("timeout", result.Error!.Type);
        Assert.Equal("paid", result.FailedStep);
        Assert.Equal(0, runtime.Engine.Events!.Waiting);
    }

    [Fact]
    public async Task Listen_NotJsonMessage_GoesToTheDeadLetterQueueWithItsReason_AndConsumingGoesOn()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var channel = scope.Queue("garbled");
        var (catalog, workflow) = Workflows.Parse(AwaitPayment(channel));
        await using var runtime = await scope.StartEngineAsync(catalog, new SqliteRunStore(folder.File("runs.db")), ownsStore: true);
        var run = await runtime.Engine.StartAsync(workflow, new JsonObject { ["order_id"] = 4 });

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishAsync(channel, Encoding.UTF8.GetBytes("order 4 <paid>"), "text/plain", null, "bad-1");
            await publisher.PublishAsync(channel, Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"x","type":"order.paid","data":{"order_id":4}}"""), "application/cloudevents+json", null, "bad-2");
            await publisher.PublishJsonAsync(channel, new JsonObject { ["order_id"] = 4 }, "good");
        }

        var result = await run.Completion.WaitAsync(Limit);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("good", result.Output!["id"]!.GetValue<string>());

        await Eventually.TrueAsync(() => runtime.Listens[channel].DeadLettered == 2, $"two dead letters ({runtime.Listens[channel]})");
        var dead = await scope.DrainAsync(channel + ".dead");
        Assert.Equal(2, dead.Count);
        var byId = dead.ToDictionary(d => d.Properties.MessageId!, d => d);
        Assert.Equal("order 4 <paid>", byId["bad-1"].Body);
        Assert.StartsWith("the body is not JSON", BrokerScope.Header(byId["bad-1"].Properties, "x-orchestrator-reason"), StringComparison.Ordinal);
        Assert.Contains("not a valid CloudEvent", BrokerScope.Header(byId["bad-2"].Properties, "x-orchestrator-reason"), StringComparison.Ordinal);
        Assert.All(dead, d => Assert.Equal(channel, BrokerScope.Header(d.Properties, "x-orchestrator-queue")));
        Assert.Equal(0, runtime.Engine.Events!.Unconsumed);
    }

    [Fact]
    public async Task EmitAndListen_OneEngineThroughTheBroker_TheMatchingEventCompletesTheListener()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var payments = scope.Queue("payments");
        var (catalog, workflows) = Workflows.ParseAll(
            $$$"""
            document: { name: checkout, version: 1.0.0 }
            do:
              - pay:
                  emit:
                    to: {{{payments}}}
                    event: { type: "{{ input.type }}", source: /shop, data: { order_id: "{{ input.order_id }}" } }
            """,
            $$$"""
            document: { name: fulfil, version: 1.0.0 }
            do:
              - paid:
                  listen:
                    to: {{{payments}}}
                    type: order.paid
                    correlate: { key: "{{ message.data.order_id }}", equals: "{{ input.order_id }}" }
                  timeout: 30s
            """);
        var (checkout, fulfil) = (workflows[0], workflows[1]);
        await using var runtime = await scope.StartEngineAsync(catalog, new SqliteRunStore(folder.File("runs.db")), ownsStore: true);

        var listener = await runtime.Engine.StartAsync(fulfil, new JsonObject { ["order_id"] = 7 });
        await Eventually.TrueAsync(() => runtime.Engine.Events!.Waiting == 1, "the listener to wait");

        // Another order, and the right order with another type: neither is the listener's.
        Assert.Equal(RunStatus.Completed, (await runtime.Engine.RunAsync(checkout, new JsonObject { ["order_id"] = 8, ["type"] = "order.paid" })).Status);
        Assert.Equal(RunStatus.Completed, (await runtime.Engine.RunAsync(checkout, new JsonObject { ["order_id"] = 7, ["type"] = "order.refunded" })).Status);
        var emitted = await runtime.Engine.RunAsync(checkout, new JsonObject { ["order_id"] = 7, ["type"] = "order.paid" });
        Assert.Equal(RunStatus.Completed, emitted.Status);

        var result = await listener.Completion.WaitAsync(Limit);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("order.paid", result.Output!["type"]!.GetValue<string>());
        Assert.Equal(7, result.Output["data"]!["order_id"]!.GetValue<int>());
        Assert.Equal(emitted.Output!["id"]!.GetValue<string>(), result.Output["id"]!.GetValue<string>());
        await Eventually.TrueAsync(() => runtime.Listens[payments].Stored == 3, "all three events stored");
        Assert.Equal(2, runtime.Engine.Events!.Unconsumed);
    }

    [Fact]
    public async Task OneOffRun_ListensOnItsChannel()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var channel = scope.Queue("one-off");
        var (catalog, workflow) = Workflows.Parse(AwaitPayment(channel));
        await using var runtime = await RabbitMqRuntime.StartForRunAsync(scope.Address, catalog, new FunctionRegistry(), new SqliteRunStore(folder.File("runs.db")));

        var run = runtime.Engine.RunAsync(workflow, new JsonObject { ["order_id"] = 11 });
        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishJsonAsync(channel, new JsonObject { ["order_id"] = 11 });
        }

        var result = await run.WaitAsync(Limit);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(11, result.Output!["data"]!["order_id"]!.GetValue<int>());
    }
}
