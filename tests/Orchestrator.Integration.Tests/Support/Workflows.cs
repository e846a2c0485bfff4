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

    /// <summary>Several workflows in one catalog, as an engine loads a folder.</summary>
    public static (WorkflowCatalog Catalog, WorkflowDefinition[] Workflows) ParseAll(params string[] yamls)
    {
        var catalog = new WorkflowCatalog();
        var workflows = yamls.Select((yaml, i) =>
        {
            var parsed = WorkflowParser.Parse(yaml, $"test{i}.yaml", _ => null);
            Assert.True(parsed.Workflow is not null, string.Join("\n", parsed.Diagnostics));
            catalog.TryAdd(parsed.Workflow!);
            return parsed.Workflow!;
        }).ToArray();
        return (catalog, workflows);
    }
}
