using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.History;

namespace Orchestrator.Engine.Tests.Events;

public sealed class ListenEmitTests
{
    private const string Waiter = """
        document: { name: waiter, version: 1.0.0 }
        do:
          - paid:
              listen:
                to: payments
                type: order.paid
                correlate:
                  key: "{{ message.data.order_id }}"
                  equals: "{{ input.order_id }}"
              timeout: 1h
          - done:
              output: { amount: "{{ paid.data.amount }}", type: "{{ paid.type }}" }
        """;

    private const string Payer = """
        document: { name: payer, version: 1.0.0 }
        do:
          - pay:
              emit:
                to: payments
                event:
                  type: order.paid
                  source: /shop
                  data: { order_id: "{{ input.order_id }}", amount: "{{ input.amount }}" }
        """;

    [Fact]
    public async Task Listen_ReceivesTheEmitOfAnotherRunWithItsCorrelationKey()
    {
        await using var engines = new ResumableEngines(fakeTime: false, Waiter, Payer);
        var engine = engines.Start().Engine;
        var one = engine.RunAsync(engines.Workflow("waiter"), JsonNode.Parse("""{ "order_id": 1 }"""));
        var two = engine.RunAsync(engines.Workflow("waiter"), JsonNode.Parse("""{ "order_id": 2 }"""));
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "paid", 2);

        var emitted = await engine.RunAsync(engines.Workflow("payer"), JsonNode.Parse("""{ "order_id": 2, "amount": 20 }"""));
        Assert.Equal(RunStatus.Completed, emitted.Status);
        var second = await two.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(20, second.Output!["amount"]!.GetValue<int>());
        Assert.Equal("order.paid", second.Output["type"]!.GetValue<string>());
        Assert.False(one.IsCompleted);

        await engine.RunAsync(engines.Workflow("payer"), JsonNode.Parse("""{ "order_id": 1, "amount": 10 }"""));
        var first = await one.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(10, first.Output!["amount"]!.GetValue<int>());
        Assert.Equal(0, engine.Events!.Unconsumed);
    }

    [Fact]
    public async Task Emit_ResultIsTheCloudEventAsSent()
    {
        await using var engines = new ResumableEngines(fakeTime: false, Payer);
        var result = await engines.Start().Engine.RunAsync(engines.Workflow("payer"), JsonNode.Parse("""{ "order_id": 5, "amount": 1 }"""));

        Assert.Equal(RunStatus.Completed, result.Status);
        var sent = result.Output!;
        Assert.Equal("1.0", sent["specversion"]!.GetValue<string>());
        Assert.Equal("order.paid", sent["type"]!.GetValue<string>());
        Assert.Equal("/shop", sent["source"]!.GetValue<string>());
        Assert.Equal(5, sent["data"]!["order_id"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(sent["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Listen_MessageThatArrivedFirstIsKeptAndTakenByALaterListen()
    {
        await using var engines = new ResumableEngines(fakeTime: false, Waiter, Payer);
        var engine = engines.Start().Engine;
        await engine.RunAsync(engines.Workflow("payer"), JsonNode.Parse("""{ "order_id": 3, "amount": 30 }"""));
        Assert.Equal(1, engine.Events!.Unconsumed);

        var result = await engine.RunAsync(engines.Workflow("waiter"), JsonNode.Parse("""{ "order_id": 3 }""")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(30, result.Output!["amount"]!.GetValue<int>());
        Assert.Equal(0, engine.Events.Unconsumed);
    }

    [Fact]
    public async Task Listen_OfAnotherTypeOrKeyDoesNotMatch_AndTimesOut()
    {
        const string Short = """
            document: { name: short, version: 1.0.0 }
            do:
              - paid:
                  listen: { to: payments, type: order.refunded }
                  timeout: 30s
            """;
        await using var engines = new ResumableEngines(fakeTime: true, Short, Payer);
        var engine = engines.Start().Engine;
        await engine.RunAsync(engines.Workflow("payer"), JsonNode.Parse("""{ "order_id": 3, "amount": 30 }"""));
        var run = engine.RunAsync(engines.Workflow("short"), new JsonObject());
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "paid");

        engines.Time!.Advance(TimeSpan.FromSeconds(30));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ErrorTypes.Timeout, result.Error!.Type);
        Assert.Equal("paid", result.FailedStep);
        Assert.Equal(1, engine.Events!.Unconsumed);
    }

    [Fact]
    public async Task Emit_EventWithoutType_FailsTheStepWithAnExpressionError()
    {
        const string NoType = """
            document: { name: notype, version: 1.0.0 }
            do:
              - pay:
                  emit:
                    to: payments
                    event: { type: "{{ input.type }}", data: 1 }
            """;
        await using var engines = new ResumableEngines(fakeTime: false, NoType);
        var result = await engines.Start().Engine.RunAsync(engines.Workflow("notype"), JsonNode.Parse("""{ "type": "" }"""));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ErrorTypes.Expression, result.Error!.Type);
        Assert.Contains("type", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_ARedeliveredCopyOfAMessage_IsDroppedWhetherWaitingOrConsumed()
    {
        const string Plain = """
            document: { name: plain, version: 1.0.0 }
            do:
              - paid:
                  listen: { to: payments, correlate: { key: "{{ message.data.order_id }}", equals: "{{ input.order_id }}" } }
            """;
        await using var engines = new ResumableEngines(fakeTime: false, Plain);
        var engine = engines.Start().Engine;
        var message = Orchestrator.Core.Events.EventMessages.FromPlainJson(JsonNode.Parse("""{ "order_id": 4, "amount": 1 }"""), "msg-4");

        Assert.NotNull(await engine.Events!.DeliverAsync("payments", message, CancellationToken.None));
        Assert.Null(await engine.Events.DeliverAsync("payments", message, CancellationToken.None));
        Assert.Equal(1, engine.Events.Unconsumed);

        var run = await engine.RunAsync(engines.Workflow("plain"), JsonNode.Parse("""{ "order_id": 4 }""")).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("msg-4", run.Output!["id"]!.GetValue<string>());
        Assert.Null(await engine.Events.DeliverAsync("payments", message, CancellationToken.None));
        Assert.Equal(0, engine.Events.Unconsumed);
    }

    [Fact]
    public async Task Listen_MessageGoesToTheOldestWaitingListenAcrossDifferentCorrelations()
    {
        const string ByOrder = """
            document: { name: by-order, version: 1.0.0 }
            do:
              - got:
                  listen: { to: shared, correlate: { key: "{{ message.data.order }}", equals: "{{ input.order }}" } }
            """;
        const string ByCustomer = """
            document: { name: by-customer, version: 1.0.0 }
            do:
              - got:
                  listen: { to: shared, correlate: { key: "{{ message.data.customer }}", equals: "{{ input.customer }}" } }
            """;
        const string Anything = """
            document: { name: anything, version: 1.0.0 }
            do:
              - got:
                  listen: { to: shared }
            """;
        await using var engines = new ResumableEngines(fakeTime: false, ByOrder, ByCustomer, Anything);
        var engine = engines.Start().Engine;
        var customer = engine.RunAsync(engines.Workflow("by-customer"), JsonNode.Parse("""{ "customer": "c1" }"""));
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted, 1);
        var order = engine.RunAsync(engines.Workflow("by-order"), JsonNode.Parse("""{ "order": 9 }"""));
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted, 2);
        var any = engine.RunAsync(engines.Workflow("anything"), new JsonObject());
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted, 3);

        // Matches all three: the customer's listen started first.
        await engine.Events!.DeliverAsync("shared", Orchestrator.Core.Events.EventMessages.FromPlainJson(JsonNode.Parse("""{ "order": 9, "customer": "c1" }"""), "m1"), CancellationToken.None);
        Assert.Equal(RunStatus.Completed, (await customer.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.False(order.IsCompleted);

        // Matches the order's listen and the uncorrelated one: the order's started first.
        await engine.Events.DeliverAsync("shared", Orchestrator.Core.Events.EventMessages.FromPlainJson(JsonNode.Parse("""{ "order": 9 }"""), "m2"), CancellationToken.None);
        Assert.Equal(RunStatus.Completed, (await order.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.False(any.IsCompleted);

        await engine.Events.DeliverAsync("shared", Orchestrator.Core.Events.EventMessages.FromPlainJson(JsonNode.Parse("""{ "order": 1 }"""), "m3"), CancellationToken.None);
        Assert.Equal("m3", (await any.WaitAsync(TimeSpan.FromSeconds(10))).Output!["id"]!.GetValue<string>());
    }
}
