using System.Collections.Concurrent;
using Orchestrator.Core.History;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Keeps each run's saves in order (the engine never changes a save's nodes after saving).</summary>
internal sealed class RecordingStore(IRunStore inner, ConcurrentDictionary<string, List<RunChanges>> byRun) : IRunStore, IAsyncDisposable
{
    public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = byRun.GetOrAdd(changes.Run.Id, _ => []);
        lock (list)
        {
            list.Add(changes);
        }

        return inner.SaveAsync(changes, cancellationToken);
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) => inner.ListRunsAsync(limit, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) => inner.GetHistoryAsync(runId, cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
