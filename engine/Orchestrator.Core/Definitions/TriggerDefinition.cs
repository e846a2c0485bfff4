namespace Orchestrator.Core.Definitions;

/// <summary>An entry of <c>on:</c>: what starts runs of the workflow besides the CLI.</summary>
/// <param name="Kind">Trigger kind, e.g. <c>queue</c>.</param>
/// <param name="Target">What it listens on, e.g. the queue name.</param>
/// <param name="Location">Where it is defined.</param>
/// <param name="Prefetch">Messages handed to an engine before it acknowledged earlier ones; null: the default (64).</param>
/// <param name="Concurrency">Runs of this trigger started at once per engine; null: the default (32).</param>
/// <param name="Correlation">An expression identifying a message, to deduplicate redeliveries; null: the event or message id.</param>
public sealed record TriggerDefinition(
    string Kind,
    string Target,
    SourceLocation Location,
    int? Prefetch = null,
    int? Concurrency = null,
    string? Correlation = null);
