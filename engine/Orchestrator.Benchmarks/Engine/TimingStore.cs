using System.Diagnostics;
using Orchestrator.Core.History;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Times each save: the call (until SaveAsync returns) and the wait (until it completes).</summary>
internal sealed class TimingStore(IRunStore inner, Timeline timeline) : IRunStore, IAsyncDisposable
{
    public async ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var save = inner.SaveAsync(changes, cancellationToken);
        var returned = Stopwatch.GetTimestamp();
        await save.ConfigureAwait(false);
        timeline.Save(start, returned, Stopwatch.GetTimestamp());
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) => inner.ListRunsAsync(limit, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) => inner.GetHistoryAsync(runId, cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
