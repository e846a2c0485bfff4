using System.Text.Json.Nodes;
using Orchestrator.Contracts;

namespace Orchestrator.Core.History;

/// <summary>One step of a run, folded from its history events by <see cref="StepTimeline.Build"/>.</summary>
/// <param name="Path">The step path, e.g. <c>notify/email</c> or <c>items[2]/process</c>.</param>
/// <param name="Status">Where the step stands after its last event.</param>
/// <param name="Attempts">The highest attempt number seen (0 for a step that was skipped without starting).</param>
/// <param name="StartedAt">When its first attempt started; null if it never started.</param>
/// <param name="Duration">From the first start to the final completion, failure or cancellation; null while running or when skipped.</param>
/// <param name="Input">The input of its last attempt, when recorded.</param>
/// <param name="Output">Its result, when completed.</param>
/// <param name="Error">The <c>{type, message, stack, retryable}</c> of its final failure, when failed.</param>
/// <param name="Metrics">How the last attempt's function call was served; null when the step is not a call
/// (or the attempt ended before a reply).</param>
/// <param name="Logs">The log lines of all attempts, in order.</param>
/// <remarks>The JSON nodes are those of the history events, not copies.</remarks>
public sealed record StepSummary(
    string Path,
    StepStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    TimeSpan? Duration,
    JsonNode? Input,
    JsonNode? Output,
    JsonNode? Error,
    InvocationMetrics? Metrics,
    IReadOnlyList<string> Logs);
