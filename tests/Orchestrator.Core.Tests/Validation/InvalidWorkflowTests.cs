using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>
/// What a user sees for each kind of mistake: the first diagnostic, with its exact <c>file:line:col</c> and message.
/// Each row is (scenario, workflow YAML, expected first diagnostic).
/// </summary>
public sealed partial class InvalidWorkflowTests
{
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        ["templates/ok.sbn"] = "Hello {{ input.name }}",
        ["templates/broken.sbn"] = "{{ for line in lines }} no end",
    };

    private static readonly string[] Functions = ["echo", "greet"];

    [Theory]
    [MemberData(nameof(SyntaxCases))]
    [MemberData(nameof(TopLevelCases))]
    [MemberData(nameof(StepCases))]
    [MemberData(nameof(FlowCases))]
    [MemberData(nameof(ValueCases))]
    [MemberData(nameof(ExpressionCases))]
    [MemberData(nameof(KindCases))]
    public void Parse_InvalidWorkflow_ReportsFirstDiagnosticWithPositionAndMessage(string scenario, string yaml, string expected)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yaml", path => Templates.GetValueOrDefault(path));

        Assert.True(result.Diagnostics.Count > 0, $"{scenario}: expected a diagnostic, got none");
        Assert.Null(result.Workflow);
        Assert.Equal(expected, result.Diagnostics[0].ToString());
    }

    [Theory]
    [MemberData(nameof(CrossFileCases))]
    public void Validate_InvalidReference_ReportsDiagnosticAtTheReference(string scenario, string[] files, string expected)
    {
        var catalog = new WorkflowCatalog();
        var workflows = files.Select((yaml, index) => ParseValid(yaml, index == 0 ? "wf.yaml" : $"other{index}.yaml")).ToList();
        foreach (var workflow in workflows)
        {
            Assert.True(catalog.TryAdd(workflow), $"{scenario}: {workflow.Name}@{workflow.Version} added twice");
        }

        var diagnostics = WorkflowValidator.Validate(workflows[0], catalog, Functions);

        Assert.Equal(expected, Assert.Single(diagnostics).ToString());
    }

    [Theory]
    [MemberData(nameof(UnclosedFlowCases))]
    public void Parse_UnclosedFlowCollectionBeforeMoreLines_ReportsInvalidYamlInsteadOfThrowing(string scenario, string yaml)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yaml", _ => null);

        Assert.Null(result.Workflow);
        Assert.True(result.Diagnostics.Count > 0, $"{scenario}: expected a diagnostic, got none");
        Assert.Matches(@"^wf\.yaml:\d+:\d+: error: invalid YAML: ", result.Diagnostics[0].ToString());
    }

    [Fact]
    public void Validate_WorkflowThatOnlyEntersACycle_IsNotBlamedForIt()
    {
        var catalog = new WorkflowCatalog();
        var entry = ParseValid("document: { name: wf, version: 1.0.0 }\ndo:\n  - enter: { run: { workflow: ping } }\n", "wf.yaml");
        catalog.TryAdd(entry);
        catalog.TryAdd(ParseValid("document: { name: ping, version: 1.0.0 }\ndo:\n  - other: { run: { workflow: pong } }\n", "ping.yaml"));
        catalog.TryAdd(ParseValid("document: { name: pong, version: 1.0.0 }\ndo:\n  - back: { run: { workflow: ping } }\n", "pong.yaml"));

        Assert.Empty(WorkflowValidator.Validate(entry, catalog, Functions));
    }

    [Fact]
    public void Validate_NoFunctionsRegistered_SaysSo()
    {
        var workflow = ParseValid(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - hello: { call: greet }
            """,
            "wf.yaml");
        var catalog = new WorkflowCatalog();
        catalog.TryAdd(workflow);

        var diagnostics = WorkflowValidator.Validate(workflow, catalog, []);

        Assert.Equal("wf.yaml:3:20: error: unknown function 'greet' (none are registered)", Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneInFileOrder()
    {
        var result = WorkflowParser.Parse(
            """
            document: { name: wf, version: 1.0.0 }
            steps: []
            do:
              - a:
                  call: greet
                  timeout: soon
              - a: { set: 1 }
            """,
            "wf.yaml",
            _ => null);

        Assert.Equal(
            [
                "wf.yaml:2:1: error: unknown key 'steps' in the workflow (allowed: document, input, secrets, on, timeout, do)",
                "wf.yaml:6:16: error: invalid duration 'soon' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)",
                "wf.yaml:7:5: error: duplicate step name 'a' (first defined at 4:5)",
            ],
            result.Diagnostics.Select(d => d.ToString()));
    }

    private static WorkflowDefinition ParseValid(string yaml, string file)
    {
        var result = WorkflowParser.Parse(yaml, file, _ => null);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Workflow!;
    }
}
