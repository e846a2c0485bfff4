using System.Text.Json.Nodes;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Tests.History;

public sealed class StepTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_StepRetriedThenCompleted_CountsAttemptsAndTimesFromFirstStart()
    {
        var history = History(
            (0, HistoryEventKind.RunStarted, null, 0, """{"input":{}}"""),
            (10, HistoryEventKind.StepStarted, "charge", 1, """{"input":{"amount":5}}"""),
            (20, HistoryEventKind.StepFailed, "charge", 1, """{"error":{"type":"Timeout","message":"slow","retryable":true}}"""),
            (21, HistoryEventKind.StepRetrying, "charge", 1, """{"delayMs":100,"nextAttempt":2,"error":{"type":"Timeout"}}"""),
            (130, HistoryEventKind.StepStarted, "charge", 2, """{"input":{"amount":6}}"""),
            (150, HistoryEventKind.StepCompleted, "charge", 2, """{"output":{"receipt":"r-1"}}"""));

        var step = Assert.Single(StepTimeline.Build(history));

        Assert.Equal("charge", step.Path);
        Assert.Equal(StepStatus.Completed, step.Status);
        Assert.Equal(2, step.Attempts);
        Assert.Equal(T0.AddMilliseconds(10), step.StartedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(140), step.Duration);
        Assert.Equal("""{"amount":6}""", step.Input?.ToJsonString());
        Assert.Equal("""{"receipt":"r-1"}""", step.Output?.ToJsonString());
        Assert.Null(step.Error);
    }

    [Fact]
    public void Build_RetryPending_StepIsRunningWithoutDuration()
    {
        var history = History(
            (10, HistoryEventKind.StepStarted, "charge", 1, null),
            (20, HistoryEventKind.StepFailed, "charge", 1, """{"error":{"type":"Timeout","message":"slow"}}"""),
            (21, HistoryEventKind.StepRetrying, "charge", 1, """{"delayMs":1000,"nextAttempt":2}"""));

        var step = Assert.Single(StepTimeline.Build(history));

        Assert.Equal(StepStatus.Running, step.Status);
        Assert.Null(step.Duration);
    }

    [Fact]
    public void Build_SkippedStep_IsSkippedWithNoStartOrDuration()
    {
        var history = History(
            (10, HistoryEventKind.StepSkipped, "notify/email", 0, "{}"));

        var step = Assert.Single(StepTimeline.Build(history));

        Assert.Equal(StepStatus.Skipped, step.Status);
        Assert.Equal(0, step.Attempts);
        Assert.Null(step.StartedAt);
        Assert.Null(step.Duration);
        Assert.Null(step.Output);
        Assert.Null(step.Metrics);
    }

    [Fact]
    public void Build_FailedStep_CarriesFinalErrorAndDuration()
    {
        var history = History(
            (10, HistoryEventKind.StepStarted, "items[2]/process", 1, """{"input":{"sku":"x"}}"""),
            (35, HistoryEventKind.StepFailed, "items[2]/process", 1, """{"error":{"type":"unknown-sku","message":"no such sku: x","stack":"at price()","retryable":false}}"""),
            (36, HistoryEventKind.RunFailed, null, 0, """{"error":{"type":"unknown-sku","step":"items[2]/process"}}"""));

        var step = Assert.Single(StepTimeline.Build(history));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal(1, step.Attempts);
        Assert.Equal(TimeSpan.FromMilliseconds(25), step.Duration);
        Assert.Equal("unknown-sku", step.Error?["type"]?.GetValue<string>());
        Assert.Equal("no such sku: x", step.Error?["message"]?.GetValue<string>());
        Assert.Null(step.Output);
    }

    [Fact]
    public void Build_CallRetried_CarriesLastAttemptMetricsAndEveryAttemptsLogs()
    {
        var history = History(
            (0, HistoryEventKind.StepStarted, "price", 1, null),
            (1, HistoryEventKind.FunctionInvoked, "price", 1, """{"function":"price-item","invocationId":"inv-1"}"""),
            (300, HistoryEventKind.StepFailed, "price", 1, """{"error":{"type":"Flaky","message":"try again"},"metrics":{"coldStart":true,"initMs":250.5,"durationMs":40,"instanceId":"py-1"},"logs":["loading model","failed once"]}"""),
            (301, HistoryEventKind.StepRetrying, "price", 1, """{"delayMs":0,"nextAttempt":2,"error":{"type":"Flaky"}}"""),
            (302, HistoryEventKind.StepStarted, "price", 2, null),
            (303, HistoryEventKind.FunctionInvoked, "price", 2, """{"function":"price-item","invocationId":"inv-2"}"""),
            (310, HistoryEventKind.StepCompleted, "price", 2, """{"output":12.5,"metrics":{"coldStart":false,"initMs":0,"durationMs":3.25,"instanceId":"py-1"},"logs":["priced"]}"""));

        var step = Assert.Single(StepTimeline.Build(history));

        Assert.Equal(2, step.Attempts);
        Assert.NotNull(step.Metrics);
        Assert.False(step.Metrics.ColdStart);
        Assert.Equal(0, step.Metrics.InitMs);
        Assert.Equal(3.25, step.Metrics.DurationMs);
        Assert.Equal("py-1", step.Metrics.InstanceId);
        Assert.Equal(["loading model", "failed once", "priced"], step.Logs);
    }

    [Fact]
    public void Build_MetricsBuiltInCode_ReadsNumbersOfAnyClrType()
    {
        // Engines record nodes they built (ints, doubles), not only parsed text.
        var data = new JsonObject
        {
            ["output"] = 1,
            ["metrics"] = new JsonObject { ["coldStart"] = true, ["initMs"] = 120, ["durationMs"] = 4.5f, ["instanceId"] = "dotnet-7" },
        };
        HistoryEvent[] history =
        [
            new("r", 1, T0, HistoryEventKind.StepStarted, "a", 1, null),
            new("r", 2, T0.AddMilliseconds(5), HistoryEventKind.StepCompleted, "a", 1, data),
        ];

        var metrics = Assert.Single(StepTimeline.Build(history)).Metrics;

        Assert.Equal(new Orchestrator.Contracts.InvocationMetrics(true, 120, 4.5, "dotnet-7"), metrics);
    }

    [Fact]
    public void Build_StepWithoutCall_HasNoMetrics()
    {
        var history = History(
            (0, HistoryEventKind.StepStarted, "compute", 1, null),
            (1, HistoryEventKind.StepCompleted, "compute", 1, """{"output":{"total":3}}"""));

        Assert.Null(Assert.Single(StepTimeline.Build(history)).Metrics);
    }

    [Fact]
    public void Build_InterleavedSteps_OneRowEachInFirstStartOrder()
    {
        var history = History(
            (0, HistoryEventKind.RunStarted, null, 0, null),
            (1, HistoryEventKind.StepStarted, "fan/b", 1, null),
            (2, HistoryEventKind.StepStarted, "fan/a", 1, null),
            (3, HistoryEventKind.StepCompleted, "fan/a", 1, """{"output":1}"""),
            (4, HistoryEventKind.StepCancelled, "fan/b", 1, """{"reason":"race lost"}"""),
            (5, HistoryEventKind.StepStarted, "after", 1, null));

        var steps = StepTimeline.Build(history);

        Assert.Equal(["fan/b", "fan/a", "after"], steps.Select(s => s.Path));
        Assert.Equal([StepStatus.Cancelled, StepStatus.Completed, StepStatus.Running], steps.Select(s => s.Status));
        Assert.Equal(TimeSpan.FromMilliseconds(3), steps[0].Duration);
        Assert.Null(steps[2].Duration);
    }

    private static List<HistoryEvent> History(params (int AtMs, HistoryEventKind Kind, string? Path, int Attempt, string? Data)[] events) =>
        events.Select((e, i) => new HistoryEvent("run", i + 1, T0.AddMilliseconds(e.AtMs), e.Kind, e.Path, e.Attempt, e.Data is null ? null : JsonNode.Parse(e.Data))).ToList();
}
