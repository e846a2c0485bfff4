using System.Text.Json.Nodes;
using Json.Schema;

namespace Orchestrator.Core.Definitions;

/// <summary>A validated, immutable workflow: what a YAML file describes.</summary>
public sealed class WorkflowDefinition
{
    /// <summary>The <c>document.name</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>document.version</c> (semantic version text).</summary>
    public required string Version { get; init; }

    /// <summary>Free text from <c>document.summary</c>.</summary>
    public string? Summary { get; init; }

    /// <summary>The file it was read from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>The JSON Schema text of <c>input.schema</c>, if any.</summary>
    public JsonNode? InputSchemaText { get; init; }

    /// <summary>The compiled <c>input.schema</c>, checked when a run starts.</summary>
    public JsonSchema? InputSchema { get; init; }

    /// <summary>Names of environment variables exposed as <c>secrets.NAME</c>.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Triggers from <c>on:</c>.</summary>
    public IReadOnlyList<TriggerDefinition> Triggers { get; init; } = [];

    /// <summary>The whole run's time limit, from the top-level <c>timeout</c>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The steps, from the top-level <c>do</c>.</summary>
    public required TaskList Do { get; init; }

    /// <summary>Where the workflow's <c>document</c> starts.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Every task in the workflow, depth first.</summary>
    public IEnumerable<TaskDefinition> AllTasks() => Do.Descendants();
}
