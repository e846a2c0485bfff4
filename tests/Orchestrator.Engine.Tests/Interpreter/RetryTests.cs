using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class RetryTests
{
    private static string Flaky(int failures, string retry) => $$"""
        document: { name: t, version: 1.0.0 }
        do:
          - f:
              call: flaky
              with: { failures: {{failures}} }
              retry: {{retry}}
        """;

    [Fact]
    public async Task Retry_Exponential_WaitsTheConfiguredDelaysOnTheFakeClock()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync(Flaky(3, "{ attempts: 4, backoff: exponential, delay: 1s }"));

        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepRetrying);
        Assert.False(run.IsCompleted);
        harness.Time!.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(20);
        Assert.Equal(1, await CountAsync(harness, HistoryEventKind.StepFailed));

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepRetrying, 2);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepRetrying, 3);
        harness.Time.Advance(TimeSpan.FromSeconds(4));
        var result = await run;

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(4, result.Output!["succeededOnAttempt"]!.GetValue<int>());
        var delays = (await harness.HistoryAsync(result.RunId))
            .Where(e => e.Kind == HistoryEventKind.StepRetrying)
            .Select(e => e.Data!["delayMs"]!.GetValue<double>());
        Assert.Equal([1000d, 2000d, 4000d], delays);
    }

    [Theory]
    [InlineData("constant", new[] { 100d, 100d, 100d })]
    [InlineData("linear", new[] { 100d, 200d, 250d })]
    [InlineData("exponential", new[] { 100d, 200d, 250d })]
    public async Task Retry_Backoff_DelaysFollowTheFormulaAndCap(string backoff, double[] expected)
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync(Flaky(3, $"{{ attempts: 4, backoff: {backoff}, delay: 100ms, maxDelay: 250ms }}"));
        for (var retry = 1; retry <= 3; retry++)
        {
            await harness.WaitForAsync(e => e.Kind == HistoryEventKind.StepRetrying, retry);
            harness.Time!.Advance(TimeSpan.FromSeconds(1));
        }

        var result = await run;
        var delays = (await harness.HistoryAsync(result.RunId))
            .Where(e => e.Kind == HistoryEventKind.StepRetrying)
            .Select(e => e.Data!["delayMs"]!.GetValue<double>());
        Assert.Equal(expected, delays);
    }

    [Fact]
    public async Task Retry_AttemptsExhausted_FailsAfterExactlyThatManyAttempts()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Flaky(5, "{ attempts: 3, delay: 0ms }"));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("unavailable", result.Error!.Type);
        var attempts = (await harness.HistoryAsync(result.RunId)).Where(e => e.Kind == HistoryEventKind.StepStarted).Select(e => e.Attempt);
        Assert.Equal([1, 2, 3], attempts);
    }

    [Fact]
    public async Task Retry_Jitter_DelaysStayWithinHalfToFullDelay()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Flaky(3, "{ attempts: 4, delay: 20ms, jitter: true }"));

        var delays = (await harness.HistoryAsync(result.RunId)).Where(e => e.Kind == HistoryEventKind.StepRetrying).Select(e => e.Data!["delayMs"]!.GetValue<double>()).ToList();
        Assert.Equal(3, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, 10, 20));
    }

    [Fact]
    public async Task Retry_ErrorsFilter_DoesNotRetryOtherTypes()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - f:
                  call: flaky
                  with: { failures: 2, type: fatal }
                  retry: { attempts: 5, delay: 0ms, errors: [unavailable] }
            """);

        Assert.Equal("fatal", result.Error!.Type);
        Assert.Single(await harness.HistoryAsync(result.RunId), e => e.Kind == HistoryEventKind.StepStarted);
    }

    [Fact]
    public async Task Retry_RaisedErrorNotRetryable_IsNotRetried()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - r:
                  raise: { type: nope }
                  retry: { attempts: 3, delay: 0ms }
            """);

        Assert.Equal("nope", result.Error!.Type);
        Assert.Single(await harness.HistoryAsync(result.RunId), e => e.Kind == HistoryEventKind.StepStarted);
    }

    [Fact]
    public async Task Retry_OfABlock_CallsInsideCountTheirAttemptsOnAcrossRuns()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - block:
                  retry: { attempts: 3, delay: 0ms }
                  do:
                    - f:
                        call: flaky
                        with: { failures: 2 }
            """);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result.Output!["succeededOnAttempt"]!.GetValue<int>());
        var started = (await harness.HistoryAsync(result.RunId)).Where(e => e.Kind == HistoryEventKind.StepStarted).Select(e => (e.StepPath, e.Attempt));
        Assert.Equal([("block", 1), ("block/f", 1), ("block", 2), ("block/f", 2), ("block", 3), ("block/f", 3)], started);
    }

    [Fact]
    public async Task Retry_StepVisitedAgainByAJump_StartsFromTheSameAttempt()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - f:
                  call: flaky
                  with: { failures: 1 }
                  retry: { attempts: 2, delay: 0ms }
              - again:
                  switch:
                    - when: "{{ again == null }}"
                      then: f
                    - default: continue
            """);

        // A jump is not a retry: the second visit starts again at attempt 1.
        Assert.Equal(RunStatus.Completed, result.Status);
        var attempts = (await harness.HistoryAsync(result.RunId)).Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "f").Select(e => e.Attempt);
        Assert.Equal([1, 2, 1, 2], attempts);
    }

    private static async Task<int> CountAsync(EngineHarness harness, HistoryEventKind kind)
    {
        var run = (await harness.Store.ListRunsAsync(1, CancellationToken.None))[0];
        return (await harness.HistoryAsync(run.Id)).Count(e => e.Kind == kind);
    }
}
