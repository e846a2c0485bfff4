using System.Text.Json.Nodes;

namespace Orchestrator.Contracts;

/// <summary>Command: invoke one function once for one step attempt of a run.</summary>
/// <param name="InvocationId">Unique per attempt; replies carry it back.</param>
/// <param name="RunId">The run that asks.</param>
/// <param name="StepPath">Where in the workflow the call sits, e.g. <c>notify/email</c>.</param>
/// <param name="Attempt">1 for the first attempt, counting retries.</param>
/// <param name="Function">The function's registered name.</param>
/// <param name="Payload">The function's input as JSON.</param>
/// <param name="Deadline">When the engine stops waiting; workers cancel the function then.</param>
public sealed record InvokeFunction(
    string InvocationId,
    string RunId,
    string StepPath,
    int Attempt,
    string Function,
    JsonNode? Payload,
    DateTimeOffset? Deadline);
