using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>How a run ended.</summary>
/// <param name="RunId">The run's id (see <c>orchestrator runs show ID</c>).</param>
/// <param name="Status">Completed, failed or cancelled.</param>
/// <param name="Output">The workflow's output when completed.</param>
/// <param name="Error">The error when failed, with the step where it happened.</param>
/// <param name="FailedStep">The path of the step that failed, if a step did.</param>
public sealed record RunResult(string RunId, RunStatus Status, JsonNode? Output, ErrorInfo? Error, string? FailedStep);
