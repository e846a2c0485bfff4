using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class TryCatchTests
{
    private static string Guarded(string raiseType, string catchClause) => $$$"""
        document: { name: t, version: 1.0.0 }
        do:
          - guarded:
              try:
                - boom:
                    raise: { type: {{{raiseType}}}, message: "it broke" }
              catch:
        {{{catchClause}}}
          - after:
              set: "{{ guarded }}"
        """;

    [Fact]
    public async Task Catch_MatchingType_RunsHandlerWithErrorBound()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Guarded("payment", """
                    errors: { type: payment }
                    as: problem
                    do:
                      - handled:
                          set: { type: "{{ problem.type }}", message: "{{ problem.message }}", step: "{{ problem.step }}" }
            """));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"type":"payment","message":"it broke","step":"guarded/boom"}""", result.Output!.ToJsonString());
        Assert.Contains(await harness.HistoryAsync(result.RunId), e => e.Kind == HistoryEventKind.ErrorCaught);
    }

    [Fact]
    public async Task Catch_OtherType_ErrorPropagates()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Guarded("disk-full", """
                    errors: { type: payment }
            """));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("disk-full", result.Error!.Type);
    }

    [Fact]
    public async Task Catch_ListOfClauses_FirstMatchingWins()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Guarded("b", """
                    - errors: { type: a }
                      do: [ { first: { set: first } } ]
                    - errors: { type: [b, c] }
                      do: [ { second: { set: second } } ]
                    - do: [ { any: { set: any } } ]
            """));

        Assert.Equal("\"second\"", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Catch_WhenIsFalse_ClauseDoesNotMatch()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Guarded("payment", """
                    when: "{{ error.message == 'something else' }}"
            """));

        Assert.Equal(RunStatus.Failed, result.Status);
    }

    [Fact]
    public async Task Catch_WithoutDo_SwallowsErrorAndResultIsNull()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Guarded("payment", """
                    errors: { type: "*" }
            """));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Null(result.Output);
    }

    [Fact]
    public async Task Catch_Retry_RetriesTheWholeTryBlock()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - guarded:
                  try:
                    - f:
                        call: flaky
                        with: { failures: 2 }
                  catch:
                    errors: { type: unavailable }
                    retry: { attempts: 2, delay: 0ms }
            """);

        // The try block ran twice (2 attempts), flaky failed both times: swallowed after the retries.
        Assert.Equal(RunStatus.Completed, result.Status);
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Equal(2, history.Count(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded/f"));
        Assert.Single(history, e => e.Kind == HistoryEventKind.StepRetrying && e.StepPath == "guarded");
    }

    [Fact]
    public async Task Catch_Retry_RecordsOneAttemptOfTheTryStepPerRunOfTheBlock()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync(Guarded("payment", """
                    retry: { attempts: 3, delay: 0ms }
            """));

        Assert.Equal(RunStatus.Completed, result.Status);
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Equal([1, 2, 3], history.Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded").Select(e => e.Attempt));
        Assert.Equal([1, 2, 3], history.Where(e => e.Kind == HistoryEventKind.ErrorCaught).Select(e => e.Attempt));
        Assert.Equal([2, 3], history.Where(e => e.Kind == HistoryEventKind.StepRetrying).Select(e => e.Data!["nextAttempt"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3], history.Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded/boom").Select(e => e.Attempt));
        var guarded = Assert.Single(StepTimeline.Build(history), s => s.Path == "guarded");
        Assert.Equal(3, guarded.Attempts);
        Assert.Equal(StepStatus.Completed, guarded.Status);
    }

    [Fact]
    public async Task Catch_Retry_CallInTheBlockSeesItsAttemptCountOnAcrossRuns()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - guarded:
                  try:
                    - f:
                        call: flaky
                        with: { failures: 2 }
                  catch:
                    errors: { type: unavailable }
                    retry: { attempts: 3, delay: 0ms }
            """);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result.Output!["succeededOnAttempt"]!.GetValue<int>());
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Equal([1, 2, 3], history.Where(e => e.Kind == HistoryEventKind.FunctionInvoked && e.StepPath == "guarded/f").Select(e => e.Attempt));
    }

    [Fact]
    public async Task Catch_Retry_StepRetryInsideTheBlock_AttemptsCountOnFromTheEarlierRun()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - guarded:
                  try:
                    - f:
                        call: flaky
                        with: { failures: 3 }
                        retry: { attempts: 2, delay: 0ms }
                  catch:
                    errors: { type: unavailable }
                    retry: { attempts: 2, delay: 0ms }
            """);

        // Run 1 of the block: attempts 1 and 2 fail. Run 2: attempt 3 fails, attempt 4 succeeds.
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(4, result.Output!["succeededOnAttempt"]!.GetValue<int>());
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Equal([1, 2, 3, 4], history.Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded/f").Select(e => e.Attempt));
        Assert.Equal([2, 4], history.Where(e => e.Kind == HistoryEventKind.StepRetrying && e.StepPath == "guarded/f").Select(e => e.Data!["nextAttempt"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Catch_Retry_ThenTheTryStepsOwnRetry_NumbersItsAttemptsOn()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - guarded:
                  retry: { attempts: 2, delay: 0ms, errors: [payment] }
                  try:
                    - boom:
                        raise: { type: payment }
                  catch:
                    errors: { type: payment }
                    retry: { attempts: 2, delay: 0ms }
                    do:
                      - again:
                          raise: { type: payment }
            """);

        Assert.Equal(RunStatus.Failed, result.Status);
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Equal([1, 2, 3, 4], history.Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded").Select(e => e.Attempt));
        Assert.Equal([1, 2, 3, 4], history.Where(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "guarded/boom").Select(e => e.Attempt));
        Assert.Equal(4, Assert.Single(StepTimeline.Build(history), s => s.Path == "guarded").Attempts);
    }
}
