using Orchestrator.Workers.Instances;

namespace Orchestrator.Workers.Pool;

/// <summary>An instance lent to one invocation, and what it cost to get it.</summary>
/// <param name="Instance">The instance; give it back with <see cref="InstancePool.Release"/>.</param>
/// <param name="ColdStart">True when it was started (or a stem cell initialised) for this invocation.</param>
/// <param name="InitMs">Spawn to initialized, or init alone for a stem cell; 0 when warm.</param>
/// <param name="InitLogs">What the code wrote on stderr while it loaded (cold starts only).</param>
internal sealed record PoolLease(AdapterInstance Instance, bool ColdStart, double InitMs, IReadOnlyList<string> InitLogs);
