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

    /// <summary>The started run's id, known from its first save (sub-workflows share their parent's run and journal).</summary>
    public string? RunId { get; private set; }

    public async ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (_committed.Task.IsCompleted)
        {
            await inner.SaveAsync(changes, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await inner.SaveAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _committed.TrySetException(ex);
            throw;
        }

        RunId ??= changes.Run.Id;
        _committed.TrySetResult();
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) => inner.ListRunsAsync(limit, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) => inner.GetHistoryAsync(runId, cancellationToken);
}
