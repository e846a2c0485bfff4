namespace Orchestrator.Core.History;

/// <summary>
/// Everything one run recorded between two of its waits: committed together in one transaction,
/// so a run's state and its history never disagree.
/// </summary>
/// <param name="Run">The run's state after these events.</param>
/// <param name="Events">New history events, in order.</param>
public sealed record RunChanges(RunRecord Run, IReadOnlyList<HistoryEvent> Events);
