namespace Orchestrator.Core.Definitions;

/// <summary>An entry of <c>on:</c>: what starts runs of the workflow besides the CLI.</summary>
/// <param name="Kind">Trigger kind, e.g. <c>queue</c>.</param>
/// <param name="Target">What it listens on, e.g. the queue name.</param>
/// <param name="Location">Where it is defined.</param>
public sealed record TriggerDefinition(string Kind, string Target, SourceLocation Location);
