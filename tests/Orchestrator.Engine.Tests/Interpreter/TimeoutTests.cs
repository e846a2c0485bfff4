using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class TimeoutTests
{
    [Fact]
    public async Task Timeout_OnCall_CancelsTheFunctionAndFailsWithTimeout()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - slow:
                  call: block
                  timeout: 5s
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.FunctionInvoked);

        harness.Time!.Advance(TimeSpan.FromSeconds(5));
        var result = await run;

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("timeout", result.Error!.Type);
        Assert.Equal("step 'slow' timed out after 5s", result.Error.Message);
        await WaitUntil(() => !harness.Probe.Cancelled.IsEmpty);
        Assert.Equal(["slow"], harness.Probe.Cancelled);
    }

    [Fact]
    public async Task Timeout_WithRetry_EachAttemptGetsItsOwnTimeout()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - slow:
                  call: block
                  timeout: 1s
                  retry: { attempts: 2, delay: 0ms }
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.FunctionInvoked);
        harness.Time!.Advance(TimeSpan.FromSeconds(1));
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.FunctionInvoked, 2);
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        var result = await run;
        Assert.Equal("timeout", result.Error!.Type);
        var failures = (await harness.HistoryAsync(result.RunId)).Where(e => e.Kind == HistoryEventKind.StepFailed).Select(e => e.Attempt);
        Assert.Equal([1, 2], failures);
    }

    [Fact]
    public async Task Timeout_OnWorkflow_FailsTheRunWithTimeout()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            timeout: 1m
            do:
              - pause:
                  wait: 1h
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted);

        harness.Time!.Advance(TimeSpan.FromMinutes(1));
        var result = await run;

        Assert.Equal("timeout", result.Error!.Type);
        Assert.Equal("workflow 't' timed out after 60s", result.Error.Message);
    }

    [Fact]
    public async Task Timeout_CaughtByType_HandlerRuns()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - guarded:
                  try:
                    - slow:
                        call: block
                        timeout: 2s
                  catch:
                    errors: { type: timeout }
                    do:
                      - fallback:
                          set: { used: fallback, why: "{{ error.type }}" }
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.FunctionInvoked);
        harness.Time!.Advance(TimeSpan.FromSeconds(2));

        var result = await run;
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"used":"fallback","why":"timeout"}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Wait_PausesUntilTheClockMoves()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - pause:
                  wait: 10m
              - after:
                  set: { done: true }
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted);
        harness.Time!.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(20);
        Assert.False(run.IsCompleted);

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Completed, (await run).Status);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(5);
        }
    }
}
