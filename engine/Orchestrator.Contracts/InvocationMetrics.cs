namespace Orchestrator.Contracts;

/// <summary>How one invocation was served: the figures that make cold starts visible.</summary>
/// <param name="ColdStart">True when an instance had to be started (or initialised) for this invocation.</param>
/// <param name="InitMs">Time spent starting and initialising the instance, 0 when warm.</param>
/// <param name="DurationMs">Time the handler itself ran.</param>
/// <param name="InstanceId">Which instance served it; the same id means the same warm instance.</param>
public sealed record InvocationMetrics(bool ColdStart, double InitMs, double DurationMs, string InstanceId)
{
    /// <summary>Metrics for a reply that no instance produced (e.g. the function is unknown).</summary>
    public static InvocationMetrics None { get; } = new(false, 0, 0, "");
}
