using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class SubWorkflowTests
{
    private static readonly string Child = """
        document: { name: child, version: 1.2.0 }
        input:
          schema: { type: object, required: [n] }
        do:
          - doubled:
              set: "{{ input.n * 2 }}"
          - result:
              output: { doubled: "{{ doubled }}", parent: "{{ run.workflow }}" }
        """;

    [Fact]
    public async Task Run_SubWorkflow_ReturnsItsOutputAsTheStepResult()
    {
        await using var harness = new EngineHarness(workflows: [TestWorkflows.Parse(Child)]);
        var result = await harness.RunAsync("""
            document: { name: parent, version: 1.0.0 }
            do:
              - sub:
                  run: { workflow: child, version: 1.2.0, input: { n: 21 } }
              - after:
                  output: "{{ sub.doubled }}"
            """);

        Assert.Equal("42", result.Output!.ToJsonString());
        Assert.Contains(await harness.HistoryAsync(result.RunId), e => e.StepPath == "sub>doubled");
    }

    [Fact]
    public async Task Run_SubWorkflowInputViolatesSchema_FailsWithValidationError()
    {
        await using var harness = new EngineHarness(workflows: [TestWorkflows.Parse(Child)]);
        var result = await harness.RunAsync("""
            document: { name: parent, version: 1.0.0 }
            do:
              - sub:
                  run: { workflow: child, input: { m: 1 } }
            """);

        Assert.Equal("validation", result.Error!.Type);
        Assert.StartsWith("input does not match the input.schema of child@1.2.0", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_ViolatesSchema_RunFailsAndKeepsItsHistory()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            input:
              schema:
                type: object
                required: [email]
                properties: { email: { type: string } }
            do:
              - v: { set: 1 }
            """, """{"email": 5}""");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("validation", result.Error!.Type);
        Assert.Contains("input.email", result.Error.Message, StringComparison.Ordinal);
        var stored = await harness.Store.GetRunAsync(result.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, stored!.Status);
        Assert.Equal([HistoryEventKind.RunStarted, HistoryEventKind.RunFailed], (await harness.HistoryAsync(result.RunId)).Select(e => e.Kind));
    }
}
