using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;

namespace Orchestrator.Integration.Tests.Support;

/// <summary>Workflows written inline in tests.</summary>
internal static class Workflows
{
    public static (WorkflowCatalog Catalog, WorkflowDefinition Workflow) Parse(string yaml)
    {
        var parsed = WorkflowParser.Parse(yaml, "test.yaml", _ => null);
        Assert.True(parsed.Workflow is not null, string.Join("\n", parsed.Diagnostics));
        var catalog = new WorkflowCatalog();
        catalog.TryAdd(parsed.Workflow!);
        return (catalog, parsed.Workflow!);
    }
}
