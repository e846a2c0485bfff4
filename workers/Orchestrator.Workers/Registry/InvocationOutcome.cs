using System.Text.Json.Nodes;
using Orchestrator.Contracts;

namespace Orchestrator.Workers.Registry;

/// <summary>What an executor produced: an output or an error, plus how it was served.</summary>
public sealed record InvocationOutcome(JsonNode? Output, ErrorInfo? Error, InvocationMetrics Metrics, IReadOnlyList<string> Logs)
{
    /// <summary>True when the function returned a result.</summary>
    public bool Succeeded => Error is null;
}
