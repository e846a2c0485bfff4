using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// The store of one starting run: passes every save through and completes <see cref="Committed"/> when the first
/// one is durable, so <see cref="WorkflowEngine.StartAsync"/> can return while the run goes on.
/// </summary>
internal sealed class FirstCommitSignal(IRunStore inner) : IRunStore
{
    private readonly TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first save is durable; faults when the store refused it.</summary>
    public Task Committed => _committed.Task;

    /// <remarks>After the first commit, saves go straight to the store: no async frame of its own per save.</remarks>
    public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return _committed.Task.IsCompleted ? inner.SaveAsync(changes, cancellationToken) : FirstSaveAsync(changes, cancellationToken);
    }

    private async ValueTask FirstSaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        try
        {
            await inner.SaveAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _committed.TrySetException(ex);
            throw;
        }

        _committed.TrySetResult();
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) => inner.ListRunsAsync(limit, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) => inner.GetHistoryAsync(runId, cancellationToken);
}
