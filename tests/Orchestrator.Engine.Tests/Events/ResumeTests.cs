using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;

namespace Orchestrator.Engine.Tests.Events;

/// <summary>A run outlives its engine: suspended when the engine stops, resumed from its history by the next one.</summary>
public sealed class ResumeTests
{
    private const string CallListenCall = """
        document: { name: flow, version: 1.0.0 }
        do:
          - before:
              call: count
              with: { order: "{{ input.order_id }}" }
          - paid:
              listen:
                to: payments
                correlate: { key: "{{ message.data.order_id }}", equals: "{{ input.order_id }}" }
          - after:
              call: count
              with: { paid: "{{ paid.data.amount }}", before: "{{ before.step }}" }
        """;

    [Fact]
    public async Task ListeningRun_SuspendedByOneEngine_IsResumedByTheNext_WithoutRepeatingDoneSteps()
    {
        await using var engines = new ResumableEngines(fakeTime: false, CallListenCall);
        var first = engines.Start();
        var run = first.Engine.RunAsync(engines.Workflow("flow"), JsonNode.Parse("""{ "order_id": 7 }"""));
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "paid");

        first.Engine.SuspendWaitingRuns();
        var suspended = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RunStatus.Running, suspended.Status);
        Assert.Equal(RunStatus.Running, (await engines.Store.GetRunAsync(suspended.RunId, CancellationToken.None))!.Status);
        await first.Engine.ReleaseLeasesAsync(CancellationToken.None);

        var second = engines.Start();
        var resumed = Assert.Single(await second.Engine.ResumeExpiredRunsAsync(CancellationToken.None));
        Assert.Equal(suspended.RunId, resumed.RunId);
        await second.Engine.Events!.DeliverAsync("payments", EventMessages.FromPlainJson(JsonNode.Parse("""{ "order_id": 7, "amount": 70 }"""), null), CancellationToken.None);
        var result = await resumed.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(70, result.Output!["input"]!["paid"]!.GetValue<int>());
        Assert.Equal("before", result.Output["input"]!["before"]!.GetValue<string>());
        Assert.Equal(["before", "after"], engines.Counted);
        var history = await engines.Store.GetHistoryAsync(result.RunId, CancellationToken.None);
        Assert.Equal(1, history.Count(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "before"));
        Assert.Equal(1, history.Count(e => e.Kind == HistoryEventKind.StepCompleted && e.StepPath == "before"));
        Assert.Equal(1, history.Count(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "paid"));
        Assert.Contains(history, e => e.Kind == HistoryEventKind.RunSuspended);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.RunResumed);
        Assert.Equal(history.Select(e => e.Sequence).Order(), history.Select(e => e.Sequence));
        Assert.Equal(history.Count, history.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task RunsWithLiveLeases_AreNotClaimed()
    {
        await using var engines = new ResumableEngines(fakeTime: false, CallListenCall);
        var first = engines.Start();
        _ = first.Engine.RunAsync(engines.Workflow("flow"), JsonNode.Parse("""{ "order_id": 1 }"""));
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "paid");

        var second = engines.Start();

        Assert.Empty(await second.Engine.ResumeExpiredRunsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Wait_ResumedAfterASuspension_WaitsOnlyWhatIsLeft()
    {
        const string Sleepy = """
            document: { name: sleepy, version: 1.0.0 }
            do:
              - nap:
                  wait: 10s
              - woke:
                  call: count
            """;
        await using var engines = new ResumableEngines(fakeTime: true, Sleepy);
        var first = engines.Start();
        var run = first.Engine.RunAsync(engines.Workflow("sleepy"), new JsonObject());
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "nap");
        engines.Time!.Advance(TimeSpan.FromSeconds(4));
        first.Engine.SuspendWaitingRuns();
        Assert.Equal(RunStatus.Running, (await run.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        await first.Engine.ReleaseLeasesAsync(CancellationToken.None);
        engines.Time.Advance(TimeSpan.FromMilliseconds(1));

        var resumed = Assert.Single(await engines.Start().Engine.ResumeExpiredRunsAsync(CancellationToken.None));
        await Task.Delay(50);
        Assert.False(resumed.Completion.IsCompleted);
        engines.Time.Advance(TimeSpan.FromSeconds(6));
        var result = await resumed.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["woke"], engines.Counted);
    }

    [Fact]
    public async Task LoopOfListens_ResumesWithTheIterationsThatEndedAndTheirMessages()
    {
        const string Loop = """
            document: { name: loop, version: 1.0.0 }
            do:
              - each:
                  for: { each: id, in: "{{ input.ids }}" }
                  do:
                    - got:
                        listen:
                          to: acks
                          correlate: { key: "{{ message.data }}", equals: "{{ id }}" }
              - total:
                  set: "{{ each | array.map 'data' }}"
            """;
        await using var engines = new ResumableEngines(fakeTime: false, Loop);
        var first = engines.Start();
        var run = first.Engine.RunAsync(engines.Workflow("loop"), JsonNode.Parse("""{ "ids": ["a", "b", "c"] }"""));
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "each[0]/got");
        await first.Engine.Events!.DeliverAsync("acks", EventMessages.FromPlainJson(JsonValue.Create("a"), null), CancellationToken.None);
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "each[1]/got");
        first.Engine.SuspendWaitingRuns();
        Assert.Equal(RunStatus.Running, (await run.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        await first.Engine.ReleaseLeasesAsync(CancellationToken.None);

        var second = engines.Start();
        var resumed = Assert.Single(await second.Engine.ResumeExpiredRunsAsync(CancellationToken.None));
        await second.Engine.Events!.DeliverAsync("acks", EventMessages.FromPlainJson(JsonValue.Create("c"), null), CancellationToken.None);
        await second.Engine.Events.DeliverAsync("acks", EventMessages.FromPlainJson(JsonValue.Create("b"), null), CancellationToken.None);
        var result = await resumed.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""["a","b","c"]""", result.Output!.ToJsonString());
        Assert.Equal(0, second.Engine.Events.Unconsumed);
    }

    [Fact]
    public async Task CatchRetry_ResumedDuringItsDelay_ReplaysTheFirstRunAndGoesOnWithTheNextAttempt()
    {
        const string Guarded = """
            document: { name: guarded, version: 1.0.0 }
            do:
              - guarded:
                  try:
                    - f:
                        call: flaky
                        with: { failures: 1 }
                  catch:
                    errors: { type: unavailable }
                    retry: { attempts: 2, delay: 10s }
              - after:
                  call: count
            """;
        await using var engines = new ResumableEngines(fakeTime: true, Guarded);
        var first = engines.Start();
        var run = first.Engine.RunAsync(engines.Workflow("guarded"), new JsonObject());
        await engines.WaitForAsync(e => e.Kind == HistoryEventKind.StepRetrying && e.StepPath == "guarded");
        first.Engine.SuspendWaitingRuns();
        Assert.Equal(RunStatus.Running, (await run.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        await first.Engine.ReleaseLeasesAsync(CancellationToken.None);

        var resumed = Assert.Single(await engines.Start().Engine.ResumeExpiredRunsAsync(CancellationToken.None));
        await Task.Delay(50);
        Assert.False(resumed.Completion.IsCompleted);
        engines.Time!.Advance(TimeSpan.FromSeconds(10));
        var result = await resumed.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["after"], engines.Counted);
        var history = await engines.Store.GetHistoryAsync(result.RunId, CancellationToken.None);
        Assert.Equal([1, 2], history.Where(e => e.Kind == HistoryEventKind.FunctionInvoked && e.StepPath == "guarded/f").Select(e => e.Attempt));
        Assert.Equal([1, 2], history.Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded").Select(e => e.Attempt));
        Assert.Single(history, e => e.Kind == HistoryEventKind.StepRetrying);
        Assert.Single(history, e => e.Kind == HistoryEventKind.ErrorCaught);
        var f = history.Last(e => e.Kind == HistoryEventKind.StepCompleted && e.StepPath == "guarded/f");
        Assert.Equal(2, f.Data!["output"]!["succeededOnAttempt"]!.GetValue<int>());
    }
}
