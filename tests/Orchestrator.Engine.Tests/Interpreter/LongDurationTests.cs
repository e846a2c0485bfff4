using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

/// <summary>Waits and timeouts past the 49.7 days one .NET timer can hold.</summary>
public sealed class LongDurationTests
{
    /// <summary>
    /// Advances the fake clock a day at a time until the run ends, and returns how many days that took (a few more than
    /// due when the machine is slow to run the continuation). Day by day, because the engine registers its timer a
    /// moment after the event the test waits for: one big advance could land before the timer exists.
    /// </summary>
    private static async Task<int> AdvanceUntilDoneAsync(EngineHarness harness, Task run, int maxDays)
    {
        var days = 0;
        while (!run.IsCompleted && days < maxDays)
        {
            harness.Time!.Advance(TimeSpan.FromDays(1));
            days++;
            await Task.Delay(1);
        }

        return days;
    }

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

        var days = await AdvanceUntilDoneAsync(harness, run, 90);
        var result = await run;

        Assert.InRange(days, 60, 65);
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

        var days = await AdvanceUntilDoneAsync(harness, run, 99);
        var result = await run;

        Assert.InRange(days, 90, 95);
        Assert.Equal(RunStatus.Completed, result.Status);
    }
}
