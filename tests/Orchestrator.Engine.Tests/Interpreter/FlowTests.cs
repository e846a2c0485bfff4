using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class FlowTests
{
    private const string Route = """
        document: { name: t, version: 1.0.0 }
        do:
          - route:
              switch:
                - when: "{{ input.n > 10 }}"
                  then: big
                - when: input.n == 0
                  then: end
                - default: continue
          - small:
              set: small
              then: exit
          - big:
              set: big
        """;

    [Theory]
    [InlineData("""{"n":50}""", "\"big\"")]
    [InlineData("""{"n":5}""", "\"small\"")]
    [InlineData("""{"n":0}""", "\"end\"")]
    public async Task Switch_FirstMatchingCaseDecidesWhereToGo(string input, string output)
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Route, input);

        Assert.Equal(output, result.Output!.ToJsonString());
    }

    [Fact]
    public async Task If_False_StepIsSkippedAndItsResultIsNull()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - maybe:
                  if: "{{ input.go }}"
                  call: greet
                  with: { name: x }
              - done:
                  output: { skipped: "{{ maybe == null }}" }
            """, """{"go":false}""");

        Assert.Equal("""{"skipped":true}""", result.Output!.ToJsonString());
        Assert.Contains(await harness.HistoryAsync(result.RunId), e => e.Kind == HistoryEventKind.StepSkipped && e.StepPath == "maybe");
    }

    [Fact]
    public async Task Output_EndsTheRunAndLaterStepsDoNotRun()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - done:
                  output: 42
              - never:
                  raise: { type: unreachable }
            """);

        Assert.Equal("42", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Then_JumpBackwards_LoopsUntilTheConditionStops()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - start:
                  set: 0
              - bump:
                  set: "{{ (counter ?? 0) + 1 }}"
              - counter:
                  set: "{{ bump }}"
              - again:
                  switch:
                    - when: "{{ counter < 5 }}"
                      then: bump
              - done:
                  output: "{{ counter }}"
            """);

        Assert.Equal("5", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Raise_FailsWithTypeAndInterpolatedMessage()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - reject:
                  raise: { type: spam, message: "rejected {{ input.email }}" }
            """, """{"email":"x@y"}""");

        Assert.Equal("spam", result.Error!.Type);
        Assert.Equal("rejected x@y", result.Error.Message);
        Assert.Equal("reject", result.FailedStep);
    }

    [Fact]
    public async Task NoOutputTask_OutputIsTheLastStepsResult()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - a: { set: 1 }
              - b: { set: { two: 2 } }
            """);

        Assert.Equal("""{"two":2}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Output_InsideForBody_BecomesTheRunOutput()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - each:
                  for: { each: n, in: "{{ [1, 2, 3] }}" }
                  do:
                    - found:
                        if: "{{ n == 2 }}"
                        output: { found: "{{ n }}" }
              - never:
                  raise: { type: unreachable }
            """);

        Assert.Equal("""{"found":2}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Then_LoopingForever_FailsTheRunWithoutAStep()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - spin:
                  set: 1
                  then: spin
            """);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("workflow", result.Error!.Type);
        Assert.Null(result.FailedStep);
        var run = await harness.Store.GetRunAsync(result.RunId, CancellationToken.None);
        Assert.True(run!.Error!.AsObject().ContainsKey("step"));
        Assert.Null(run.Error["step"]);
    }

    [Fact]
    public async Task Output_InsideConcurrentForBody_EndsTheRunAtOnceAndCancelsTheRunningIterations()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - each:
                  for: { in: "{{ [0, 1, 2, 3] }}", concurrency: 2 }
                  do:
                    - hello:
                        call: greet
                        with: { name: "n{{ item }}" }
                    - busy:
                        if: "{{ index > 0 }}"
                        call: block
                    - first:
                        output: { ended: "{{ index }}" }
              - never:
                  raise: { type: unreachable }
            """).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(RunStatus.Completed == result.Status, result.Error?.Message);
        Assert.Equal("""{"ended":0}""", result.Output!.ToJsonString());
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.StepCancelled && e.StepPath!.StartsWith("each[1]/", StringComparison.Ordinal));
        Assert.DoesNotContain(history, e => e.StepPath is "each[1]/first" or "each[2]/hello" or "each[3]/hello");
        Assert.DoesNotContain(history, e => e.StepPath == "never");
    }

    [Fact]
    public async Task ThenEnd_InsideConcurrentForBody_EndsTheRunAtOnce()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - each:
                  for: { in: "{{ [0, 1] }}", concurrency: 2 }
                  do:
                    - pick:
                        switch:
                          - when: "{{ index == 1 }}"
                            then: finish
                          - default: continue
                    - busy:
                        call: block
                    - finish:
                        set: { ended: "{{ index }}" }
                        then: end
            """).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"ended":1}""", result.Output!.ToJsonString());
        Assert.Contains(await harness.HistoryAsync(result.RunId), e => e.Kind == HistoryEventKind.StepCancelled && e.StepPath == "each[0]/busy");
    }
}
