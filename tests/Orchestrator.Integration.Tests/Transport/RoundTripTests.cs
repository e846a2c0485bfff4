using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;

namespace Orchestrator.Integration.Tests.Transport;

[Collection(BrokerTests.Name)]
public sealed class RoundTripTests(BrokerFixture broker)
{
    [Fact]
    public async Task Run_StepsOnASeparateWorker_CompletesWithEachStepsResult()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("add-one", "add-ten");
        var (catalog, workflow) = Workflows.Parse("""
            document: { name: round-trip, version: 1.0.0 }
            do:
              - first: { call: add-one, with: { value: "{{ input.value }}" } }
              - second: { call: add-ten, with: { value: "{{ first.value }}" } }
              - third: { call: add-one, with: { value: "{{ second.value }}" } }
            """);
        var functions = new FunctionRegistry().AddFunction("add-one", new AddFunction(1)).AddFunction("add-ten", new AddFunction(10));
        await using var worker = await scope.StartWorkerAsync(catalog, functions);
        await using var engine = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var result = await engine.Engine.RunAsync(workflow, new JsonObject { ["value"] = 1 });

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(13, result.Output!["value"]!.GetValue<int>());
        var history = await engine.Store.GetHistoryAsync(result.RunId, CancellationToken.None);
        Assert.Equal(3, history.Count(e => e.Kind == HistoryEventKind.FunctionInvoked));
        Assert.Equal(0, engine.Broker.Pending);
    }

    [Fact]
    public async Task Run_FunctionThrows_ErrorTypeAndMessageCrossTheWire()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("charge");
        var (catalog, workflow) = Workflows.Parse("""
            document: { name: failing, version: 1.0.0 }
            do:
              - pay: { call: charge, with: { amount: 5 } }
            """);
        var functions = new FunctionRegistry().AddFunction("charge", new FailFunction());
        await using var runtime = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, scope.Options(), catalog, functions, new InMemoryRunStore());

        var result = await runtime.Engine.RunAsync(workflow, new JsonObject());

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("card-declined", result.Error!.Type);
        Assert.Equal("the card was declined", result.Error.Message);
        Assert.False(result.Error.Retryable);
        Assert.Equal("pay", result.FailedStep);
    }

    [Fact]
    public async Task Run_CompetingBranchLoses_WorkerCancelsItThroughTheControlExchange()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("fast", "slow");
        var (catalog, workflow) = Workflows.Parse("""
            document: { name: race, version: 1.0.0 }
            do:
              - race:
                  fork:
                    compete: true
                    branches:
                      - quick: { call: fast, with: { who: quick } }
                      - lazy: { call: slow, with: { who: lazy } }
            """);
        var slow = new GateFunction("lazy");
        var functions = new FunctionRegistry().AddFunction("fast", new EchoFunction()).AddFunction("slow", slow);
        await using var worker = await scope.StartWorkerAsync(catalog, functions);
        await using var engine = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var result = await engine.Engine.RunAsync(workflow, new JsonObject());

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("quick", result.Output!["who"]!.GetValue<string>());

        // The slow invocation has no deadline of its own: only CancelInvocation on the control exchange stops it.
        await slow.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => worker.RunningInvocations == 0, "the cancelled invocation to end");
    }

    [Fact]
    public async Task Worker_UnreadableInvocation_GoesToTheErrorQueueWithItsReason()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var (catalog, workflow) = Workflows.Parse("""
            document: { name: after-garbage, version: 1.0.0 }
            do:
              - same: { call: echo, with: { ok: true } }
            """);
        var functions = new FunctionRegistry().AddFunction("echo", new EchoFunction());
        await using var runtime = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, scope.Options(), catalog, functions, new InMemoryRunStore());

        await scope.PublishAsync($"{scope.Prefix}.fn.echo", Encoding.UTF8.GetBytes("{ not json"), new BasicProperties { MessageId = "garbage-1" });
        await Eventually.TrueAsync(() => scope.CountAsync($"{scope.Prefix}.fn.echo.error").Result == 1, "the unreadable message in the error queue");

        var errors = await scope.DrainAsync($"{scope.Prefix}.fn.echo.error");
        var (body, properties) = Assert.Single(errors);
        Assert.Equal("{ not json", body);
        Assert.Equal("garbage-1", properties.MessageId);
        Assert.Contains("not a valid InvokeFunction", BrokerScope.Header(properties, "x-orchestrator-reason"), StringComparison.Ordinal);
        Assert.Equal($"{scope.Prefix}.fn.echo", BrokerScope.Header(properties, "x-orchestrator-queue"));

        // The worker kept consuming.
        var result = await runtime.Engine.RunAsync(workflow, new JsonObject());
        Assert.Equal(RunStatus.Completed, result.Status);
    }

    [Fact]
    public async Task Runtime_TriggersOff_RunsThroughTheBrokerAndLeavesTriggerQueuesAlone()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("add-one");
        var queue = scope.Queue("not-for-cli-runs");
        var (catalog, workflow) = Workflows.Parse($$$"""
            document: { name: cli-run, version: 1.0.0 }
            on:
              - queue: {{{queue}}}
            do:
              - only: { call: add-one, with: { value: "{{ input.value }}" } }
            """);
        var functions = new FunctionRegistry().AddFunction("add-one", new AddFunction(1));
        var options = scope.Options();
        await using var runtime = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, options, catalog, functions, new InMemoryRunStore(), ownsStore: true, consumeTriggers: false);

        var result = await runtime.Engine.RunAsync(workflow, new JsonObject { ["value"] = 41 });

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(42, result.Output!["value"]!.GetValue<int>());
        Assert.Empty(runtime.Triggers);
    }
}
