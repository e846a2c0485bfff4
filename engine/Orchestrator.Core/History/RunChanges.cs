namespace Orchestrator.Core.History;

/// <summary>
/// Everything one run recorded between two of its waits: committed together in one transaction,
/// so a run's state and its history never disagree.
/// </summary>
/// <param name="Run">The run's state after these events.</param>
/// <param name="Events">New history events, in order.</param>
/// <param name="Consumed">Ids of inbox messages (<see cref="Events.IEventInbox"/>) that these events consumed: deleted in
/// the same transaction. Null or empty when none.</param>
public sealed record RunChanges(RunRecord Run, IReadOnlyList<HistoryEvent> Events, IReadOnlyList<long>? Consumed = null)
{
    /// <summary>What every store checks of each event of a save, in order: it belongs to the run, and sequences increase.</summary>
    /// <param name="changes">The save (its <see cref="Run"/> is set).</param>
    /// <param name="e">The event.</param>
    /// <param name="previous">The previous event's sequence (<see cref="long.MinValue"/> before the first); advanced to this one's.</param>
    /// <exception cref="ArgumentException">The event belongs to another run, or its sequence does not increase.</exception>
    internal static void CheckEvent(RunChanges changes, HistoryEvent e, ref long previous)
    {
        var runId = changes.Run.Id;
        if (!string.Equals(e.RunId, runId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Event {e.Sequence} belongs to run '{e.RunId}', not '{runId}'.", nameof(changes));
        }

        if (e.Sequence <= previous)
        {
            throw new ArgumentException($"Event sequences of run '{runId}' must increase ({previous} then {e.Sequence}).", nameof(changes));
        }

        previous = e.Sequence;
    }
}
