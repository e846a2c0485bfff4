using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class ParallelTests
{
    [Fact]
    public async Task For_Concurrency_NeverExceedsTheCap()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - each:
                  for: { in: "{{ input.items }}", concurrency: 3 }
                  do:
                    - t:
                        call: track
            """, """{"items":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}""");

        Assert.True(RunStatus.Completed == result.Status, result.Error?.Message);
        Assert.Equal(20, result.Output!.AsArray().Count);
        Assert.InRange(harness.Probe.MaxRunning, 2, 3);
    }

    [Fact]
    public async Task For_Results_AreInItemOrderWithEachAndAtBound()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - squares:
                  for: { each: n, at: i, in: "{{ input.numbers }}", concurrency: 4 }
                  do:
                    - sq:
                        set: "{{ i }}:{{ n * n }}"
            """, """{"numbers":[1,2,3,4,5]}""");

        Assert.Equal("""["0:1","1:4","2:9","3:16","4:25"]""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task For_InIsNotAnArray_FailsWithExpressionError()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - each:
                  for: { in: "{{ input.items }}" }
                  do:
                    - x: { set: 1 }
            """, """{"items":{"a":1}}""");

        Assert.Equal("expression", result.Error!.Type);
        Assert.Equal("'for.in' must yield an array, got object", result.Error.Message);
    }

    [Fact]
    public async Task Fork_AllBranches_ResultHoldsEachBranchByName()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - both:
                  fork:
                    - left:
                        call: greet
                        with: { name: L }
                    - right:
                        set: { side: right }
              - done:
                  output: { l: "{{ both.left.message }}", r: "{{ right.side }}" }
            """);

        Assert.Equal("""{"l":"Hello, L!","r":"right"}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Fork_Compete_FirstWinsAndLosersAreCancelled()
    {
        await using var harness = new EngineHarness(fakeTime: true);
        var run = harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - race:
                  fork:
                    compete: true
                    branches:
                      - fast:
                          call: sleep
                          with: { ms: 10, label: fast }
                      - slow:
                          call: block
            """);
        await harness.WaitForAsync(e => e.Kind == HistoryEventKind.FunctionInvoked, 2);

        // FunctionInvoked is recorded before the call reaches the worker: on a cold first run the sleep may register
        // its timer after a single advance of the fake clock and never fire. Advance until the race is decided.
        for (var i = 0; i < 1_000 && !run.IsCompleted; i++)
        {
            harness.Time!.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(10);
        }

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("fast", result.Output!["label"]!.GetValue<string>());
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.StepCancelled && e.StepPath == "race/slow");
        for (var i = 0; i < 400 && harness.Probe.Cancelled.IsEmpty; i++)
        {
            await Task.Delay(5);
        }

        Assert.Equal(["race/slow"], harness.Probe.Cancelled);
    }

    [Fact]
    public async Task Fork_OneBranchFails_ForkFailsAndOthersAreCancelled()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - both:
                  fork:
                    - waits:
                        call: block
                    - breaks:
                        raise: { type: broken }
            """);

        Assert.Equal("broken", result.Error!.Type);
        Assert.Equal("both/breaks", result.FailedStep);
        Assert.Contains(await harness.HistoryAsync(result.RunId), e => e.Kind == HistoryEventKind.StepCancelled && e.StepPath == "both/waits");
    }

    [Fact]
    public async Task Fork_Compete_SkippedBranchTakesNoPartInTheRace()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - race:
                  fork:
                    compete: true
                    branches:
                      - skipped:
                          if: "{{ false }}"
                          set: skipped
                      - real:
                          call: greet
                          with: { name: R }
            """);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("Hello, R!", result.Output!["message"]!.GetValue<string>());
        // Branches start side by side: the skipped one may be recorded as skipped, or be cancelled by the winner
        // before its condition is read. Either way it never wins, and never cancels the real branch.
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.StepCompleted && e.StepPath == "race/real");
        Assert.DoesNotContain(history, e => e.Kind == HistoryEventKind.StepCancelled && e.StepPath == "race/real");
    }

    [Fact]
    public async Task Fork_Compete_EveryBranchSkipped_ResultIsNullAndTheRunGoesOn()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - race:
                  fork:
                    compete: true
                    branches:
                      - a:
                          if: "{{ false }}"
                          set: a
                      - b:
                          if: "{{ false }}"
                          set: b
              - after:
                  set: { race: "{{ race }}", a: "{{ a }}" }
            """);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"race":null,"a":null}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Fork_Compete_SkippedAndFailedBranches_FailTheFork()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - race:
                  fork:
                    compete: true
                    branches:
                      - skipped:
                          if: "{{ false }}"
                          set: skipped
                      - breaks:
                          raise: { type: broken }
            """);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("broken", result.Error!.Type);
        Assert.Equal("race/breaks", result.FailedStep);
    }
}
