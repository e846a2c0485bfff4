using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;

namespace Orchestrator.Integration.Tests.Events;

/// <summary><c>emit</c> over RabbitMQ: what lands on the queue, and what happens when nothing can receive it.</summary>
[Collection(BrokerTests.Name)]
public sealed class EmitTests(BrokerFixture broker)
{
    [Fact]
    public async Task Emit_CloudEventsToQueue_StructuredEventWithTypeSourceDataAndId()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("payments");
        var (catalog, workflow) = Workflows.Parse($$$"""
            document: { name: pay, version: 1.0.0 }
            do:
              - pay:
                  emit:
                    to: {{{queue}}}
                    event: { type: order.paid, source: /shop, subject: "order-{{ input.order_id }}", data: { order_id: "{{ input.order_id }}", total: 12.5 } }
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var result = await runtime.Engine.RunAsync(workflow, new JsonObject { ["order_id"] = 7 });

        Assert.Equal(RunStatus.Completed, result.Status);
        var sent = Assert.IsType<JsonObject>(result.Output);
        var (body, properties) = Assert.Single(await scope.DrainAsync(queue));
        var message = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("1.0", message["specversion"]!.GetValue<string>());
        Assert.Equal("order.paid", message["type"]!.GetValue<string>());
        Assert.Equal("/shop", message["source"]!.GetValue<string>());
        Assert.Equal("order-7", message["subject"]!.GetValue<string>());
        Assert.Equal(7, message["data"]!["order_id"]!.GetValue<int>());
        Assert.Equal(12.5, message["data"]!["total"]!.GetValue<double>());
        Assert.False(string.IsNullOrEmpty(message["id"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(sent, message), $"the step's result is the event as sent: {sent} vs {message}");
        Assert.Equal("application/cloudevents+json", properties.ContentType);
        Assert.Equal(message["id"]!.GetValue<string>(), properties.MessageId);
        Assert.True(properties.Persistent);
    }

    [Fact]
    public async Task Emit_JsonFormat_BodyIsTheDataAloneWithIdAndTypeHeader()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("plain");
        var (catalog, workflow) = Workflows.Parse($$$"""
            document: { name: notify, version: 1.0.0 }
            do:
              - tell:
                  emit:
                    to: {{{queue}}}
                    format: json
                    event: { type: order.paid, data: { order_id: "{{ input.order_id }}" } }
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var result = await runtime.Engine.RunAsync(workflow, new JsonObject { ["order_id"] = 8 });

        Assert.Equal(RunStatus.Completed, result.Status);
        var (body, properties) = Assert.Single(await scope.DrainAsync(queue));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["order_id"] = 8 }, JsonNode.Parse(body)), body);
        Assert.Equal("application/json", properties.ContentType);
        Assert.Equal(result.Output!["id"]!.GetValue<string>(), properties.MessageId);
        Assert.Equal("order.paid", BrokerScope.Header(properties, "x-event-type"));
    }

    [Fact]
    public async Task Emit_ExchangeWithNoBinding_FailsTheStepSayingNoQueueIsBound()
    {
        await using var scope = new BrokerScope(broker);
        var exchange = await scope.ExchangeAsync("events");
        var (catalog, workflow) = Workflows.Parse($$$"""
            document: { name: shout, version: 1.0.0 }
            do:
              - shout:
                  emit:
                    to: nobody.listens
                    exchange: {{{exchange}}}
                    event: { type: order.paid, data: 1 }
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var result = await runtime.Engine.RunAsync(workflow, null);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("emit", result.Error!.Type);
        Assert.Equal("shout", result.FailedStep);
        Assert.Contains($"no queue is bound to exchange '{exchange}' with routing key 'nobody.listens'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emit_BoundExchange_ReachesTheBoundQueue()
    {
        await using var scope = new BrokerScope(broker);
        var exchange = await scope.ExchangeAsync("routed", "topic");
        var queue = scope.Queue("routed-payments");
        await scope.BindAsync(queue, exchange, "order.*");
        var (catalog, workflow) = Workflows.Parse($$$"""
            document: { name: route, version: 1.0.0 }
            do:
              - route:
                  emit:
                    to: order.paid
                    exchange: {{{exchange}}}
                    event: { type: order.paid, data: { order_id: 9 } }
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var result = await runtime.Engine.RunAsync(workflow, null);

        Assert.Equal(RunStatus.Completed, result.Status);
        var (body, _) = Assert.Single(await scope.DrainAsync(queue));
        Assert.Equal(9, JsonNode.Parse(body)!["data"]!["order_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Emit_MissingExchange_ClearErrorAndLaterEmitsStillWork()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("after");
        var (catalog, workflows) = Workflows.ParseAll(
            $$$"""
            document: { name: lost, version: 1.0.0 }
            do:
              - lost:
                  emit: { to: anything, exchange: {{{scope.Prefix}}}.no-such-exchange, event: { type: t, data: 1 } }
            """,
            $$$"""
            document: { name: fine, version: 1.0.0 }
            do:
              - fine:
                  emit: { to: {{{queue}}}, event: { type: t, data: 2 } }
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var lost = await runtime.Engine.RunAsync(workflows[0], null);
        var lostAgain = await runtime.Engine.RunAsync(workflows[0], null);
        var fine = await runtime.Engine.RunAsync(workflows[1], null);

        Assert.Equal(RunStatus.Failed, lost.Status);
        Assert.Contains($"exchange '{scope.Prefix}.no-such-exchange' does not exist", lost.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, lostAgain.Status);
        Assert.Equal(RunStatus.Completed, fine.Status);
        Assert.Single(await scope.DrainAsync(queue));
    }

    [Fact]
    public async Task Emit_ExchangeDeletedAfterUse_ClearErrorThenPublishingGoesOn()
    {
        await using var scope = new BrokerScope(broker);
        var exchange = await scope.ExchangeAsync("doomed", "fanout");
        var bound = scope.Queue("doomed-bound");
        var plain = scope.Queue("doomed-after");
        await scope.BindAsync(bound, exchange, "");
        var (catalog, workflows) = Workflows.ParseAll(
            $$$"""
            document: { name: broadcast, version: 1.0.0 }
            do:
              - broadcast:
                  emit: { to: any, exchange: {{{exchange}}}, event: { type: t, data: 1 } }
            """,
            $$$"""
            document: { name: direct, version: 1.0.0 }
            do:
              - direct:
                  emit: { to: {{{plain}}}, event: { type: t, data: 2 } }
            """);
        await using var runtime = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        Assert.Equal(RunStatus.Completed, (await runtime.Engine.RunAsync(workflows[0], null)).Status);
        await scope.DeleteExchangeAsync(exchange);
        var gone = await runtime.Engine.RunAsync(workflows[0], null);
        var after = await runtime.Engine.RunAsync(workflows[1], null);

        Assert.Equal(RunStatus.Failed, gone.Status);
        Assert.Contains($"exchange '{exchange}' does not exist", gone.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, after.Status);
        Assert.Single(await scope.DrainAsync(bound));
        Assert.Single(await scope.DrainAsync(plain));
    }
}
