namespace Orchestrator.Contracts;

/// <summary>Event: an invocation failed (the handler threw, timed out, crashed, or could not be found).</summary>
public sealed record FunctionFailed(
    string InvocationId,
    string RunId,
    ErrorInfo Error,
    InvocationMetrics Metrics,
    IReadOnlyList<string>? Logs = null);
