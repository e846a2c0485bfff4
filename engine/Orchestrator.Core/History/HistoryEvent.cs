using System.Text.Json.Nodes;

namespace Orchestrator.Core.History;

/// <summary>One transition in a run's append-only history.</summary>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="Sequence">1-based position in the run's history; strictly increasing.</param>
/// <param name="Timestamp">When it happened (the engine's <see cref="TimeProvider"/>).</param>
/// <param name="Kind">What happened.</param>
/// <param name="StepPath">The step, e.g. <c>notify/email</c> or <c>items[2]/process</c>; null for run-level events.</param>
/// <param name="Attempt">The step's attempt number (1 when not retried); 0 for run-level events.</param>
/// <param name="Data">Details that depend on <paramref name="Kind"/>.</param>
public sealed record HistoryEvent(
    string RunId,
    long Sequence,
    DateTimeOffset Timestamp,
    HistoryEventKind Kind,
    string? StepPath,
    int Attempt,
    JsonNode? Data);
