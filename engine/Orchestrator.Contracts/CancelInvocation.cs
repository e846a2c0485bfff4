namespace Orchestrator.Contracts;

/// <summary>Command: stop an invocation the engine no longer waits for (timeout, a lost race, shutdown).</summary>
public sealed record CancelInvocation(string InvocationId, string Reason);
