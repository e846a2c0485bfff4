namespace Orchestrator.Core.History;

/// <summary>Durable run state and history. Implementations: SQLite (embedded), in-memory (tests).</summary>
public interface IRunStore
{
    /// <summary>Commits a run's state and new events atomically; completes when they are durable.</summary>
    ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken);

    /// <summary>Newest runs first.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>One run, or null. <paramref name="runId"/> may be a unique prefix of the id.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>A run's history in order.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken);
}
