using System.Text.Json.Nodes;

namespace Orchestrator.Contracts;

/// <summary>Event: an invocation returned a result.</summary>
public sealed record FunctionCompleted(
    string InvocationId,
    string RunId,
    JsonNode? Output,
    InvocationMetrics Metrics,
    IReadOnlyList<string>? Logs = null);
