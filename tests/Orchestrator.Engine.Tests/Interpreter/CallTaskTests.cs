using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class CallTaskTests
{
    [Fact]
    public async Task Call_FunctionReturns_StepResultIsAddressableByName()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - hi:
                  call: greet
                  with: { name: "{{ input.who }}" }
              - done:
                  output: { said: "{{ hi.message }}" }
            """, """{"who":"Ada"}""");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"said":"Hello, Ada!"}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Call_FunctionThrows_RunFailsWithExceptionTypeAndStep()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - price:
                  call: price-item
                  with: { sku: nothing, quantity: 1 }
            """);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("unknown-sku", result.Error!.Type);
        Assert.Equal("price", result.FailedStep);
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.StepFailed && e.StepPath == "price");
        Assert.Equal(HistoryEventKind.RunFailed, history[^1].Kind);
    }

    [Fact]
    public async Task Call_FunctionNotHosted_FailsWithFunctionNotFound()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - x:
                  call: nobody-hosts-this
            """);

        Assert.Equal("function-not-found", result.Error!.Type);
    }

    [Fact]
    public async Task Call_RecordsInputOutputMetricsAndLogs()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - hi:
                  call: greet
                  with: { name: Bob }
            """);

        var history = await harness.HistoryAsync(result.RunId);
        var started = Assert.Single(history, e => e.Kind == HistoryEventKind.StepStarted);
        Assert.Equal("""{"name":"Bob"}""", started.Data!["input"]!.ToJsonString());
        var completed = Assert.Single(history, e => e.Kind == HistoryEventKind.StepCompleted);
        Assert.Equal("Hello, Bob!", completed.Data!["output"]!["message"]!.GetValue<string>());
        Assert.NotNull(completed.Data["metrics"]!["instanceId"]);
        Assert.Equal("greeting Bob", completed.Data["logs"]![0]!.GetValue<string>());
        Assert.Contains(history, e => e.Kind == HistoryEventKind.FunctionInvoked && e.Data!["function"]!.GetValue<string>() == "greet");
    }

    [Fact]
    public async Task Call_InputDoesNotBind_FailsWithSerializationError()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - p:
                  call: price-item
                  with: { sku: book, quantity: "not a number" }
            """);

        Assert.Equal("serialization", result.Error!.Type);
        Assert.False(result.Error.Retryable);
    }
}
