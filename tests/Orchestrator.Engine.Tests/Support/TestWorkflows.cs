using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;

namespace Orchestrator.Engine.Tests.Support;

/// <summary>Parses inline workflow YAML for tests; fails the test with the diagnostics when it does not parse.</summary>
internal static class TestWorkflows
{
    public static WorkflowDefinition Parse(string yaml, IReadOnlyDictionary<string, string>? templates = null)
    {
        var result = WorkflowParser.Parse(yaml, "test.yaml", name => templates?.GetValueOrDefault(name));
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Workflow!;
    }
}
