namespace Orchestrator.Core.Interpreter;

/// <summary>A run whose start is durable and which goes on in the background.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Completion">Completes with how the run ended.</param>
public sealed record StartedRun(string RunId, Task<RunResult> Completion);
