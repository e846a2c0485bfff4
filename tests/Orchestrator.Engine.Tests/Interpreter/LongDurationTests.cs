using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

/// <summary>Waits and timeouts past the 49.7 days one .NET timer can hold.</summary>
public sealed class LongDurationTests
{
    [Fact]
    public async Task Timeout_LongerThanOneTimer_FiresAtItsDueTimeNotBefore()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - slow:
                  call: block
                  timeout: 60d
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.FunctionInvoked);

        harness.Time!.Advance(TimeSpan.FromDays(59));
        await Task.Delay(50);
        Assert.False(run.IsCompleted);

        harness.Time.Advance(TimeSpan.FromDays(1));
        var result = await run;

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("step 'slow' timed out after 5184000s", result.Error!.Message);
    }

    [Fact]
    public async Task Wait_LongerThanOneTimer_Completes()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            timeout: 100d
            do:
              - pause: { wait: 90d }
              - after: { set: done }
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "pause");

        harness.Time!.Advance(TimeSpan.FromDays(50));
        await Task.Delay(50);
        Assert.False(run.IsCompleted);
        harness.Time.Advance(TimeSpan.FromDays(40));

        var result = await run;
        Assert.Equal(RunStatus.Completed, result.Status);
    }
}
