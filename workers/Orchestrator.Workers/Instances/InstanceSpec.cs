using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Instances;

/// <summary>What a launcher needs to start one adapter process.</summary>
/// <param name="Runtime">Which adapter.</param>
/// <param name="MemoryBytes">The per-instance memory limit.</param>
/// <param name="FunctionDirectory">The function's folder, or null for a generic stem cell (no function yet).</param>
internal sealed record InstanceSpec(FunctionRuntime Runtime, long MemoryBytes, string? FunctionDirectory);
