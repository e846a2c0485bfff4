namespace Orchestrator.Core.History;

/// <summary>
/// Everything one run recorded between two of its waits: committed together in one transaction,
/// so a run's state and its history never disagree.
/// </summary>
/// <param name="Run">The run's state after these events.</param>
/// <param name="Events">New history events, in order.</param>
/// <param name="Consumed">Ids of inbox messages (<see cref="Events.IEventInbox"/>) that these events consumed: deleted in
/// the same transaction. Null or empty when none.</param>
public sealed record RunChanges(RunRecord Run, IReadOnlyList<HistoryEvent> Events, IReadOnlyList<long>? Consumed = null);
