using Orchestrator.Contracts;

namespace Orchestrator.Workers.Registry;

/// <summary>How a prewarm went: the instance it started and how long that took, or why it could not start one.</summary>
/// <param name="InitMs">Spawn (or stem cell) to initialised, in milliseconds.</param>
/// <param name="InstanceId">The instance started; empty when the start failed.</param>
/// <param name="Error">Why no instance could be started (the next invocation tries again and reports it); null when one was.</param>
public sealed record PrewarmResult(double InitMs, string InstanceId, ErrorInfo? Error);
