using System.Runtime.InteropServices;

namespace Orchestrator.Core.History;

/// <summary>
/// Keeps runs and history in memory: for tests and benchmarks, with the same behaviour as the durable stores
/// (atomic saves, newest-first listing, id prefix lookup). Safe to use from many threads.
/// </summary>
/// <remarks>
/// Saves keep the caller's JSON nodes without copying, which keeps benchmarks honest about the engine's own cost;
/// so, as with any store, a caller must not change nodes after saving them. Reads return copies, so what a reader
/// does with them cannot reach the stored runs, just as with a store that parses from disk.
/// </remarks>
public sealed class InMemoryRunStore : IRunStore
{
    private static readonly Comparer<HistoryEvent> BySequence = Comparer<HistoryEvent>.Create(static (a, b) => a.Sequence.CompareTo(b.Sequence));

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunRecord> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistoryEvent>> _history = new(StringComparer.Ordinal);

    /// <summary>How many runs the store holds.</summary>
    public int RunCount
    {
        get
        {
            lock (_gate)
            {
                return _runs.Count;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A run's workflow, version, start time and input are taken from its first save; later saves update its
    /// status, end time, output and error. Like the SQLite store, this accepts a run's saves out of sequence order (two branches of one run may flush
    /// concurrently) and keeps its history sorted by sequence; it rejects a sequence the run already has.
    /// </remarks>
    /// <exception cref="ArgumentException">An event belongs to another run, or sequences within the save do not increase.</exception>
    /// <exception cref="InvalidOperationException">The run already has an event with one of these sequences.</exception>
    public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        var run = changes.Run;
        ArgumentException.ThrowIfNullOrEmpty(run.Id, "changes.Run.Id");
        var previous = long.MinValue;
        foreach (var e in changes.Events)
        {
            if (!string.Equals(e.RunId, run.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Event {e.Sequence} belongs to run '{e.RunId}', not '{run.Id}'.", nameof(changes));
            }

            if (e.Sequence <= previous)
            {
                throw new ArgumentException($"Event sequences of run '{run.Id}' must increase ({previous} then {e.Sequence}).", nameof(changes));
            }

            previous = e.Sequence;
        }

        lock (_gate)
        {
            if (!_history.TryGetValue(run.Id, out var events))
            {
                events = [];
                _history.Add(run.Id, events);
            }

            // Check before changing anything: a rejected save leaves no trace, as a rolled-back transaction would.
            foreach (var e in changes.Events)
            {
                if (events.Count > 0 && e.Sequence <= events[^1].Sequence && events.BinarySearch(e, BySequence) >= 0)
                {
                    throw new InvalidOperationException($"Run '{run.Id}' already has event {e.Sequence}.");
                }
            }

            ref var stored = ref CollectionsMarshal.GetValueRefOrAddDefault(_runs, run.Id, out var exists);
            stored = exists ? KeepIdentity(stored!, run) : run;
            foreach (var e in changes.Events)
            {
                if (events.Count == 0 || e.Sequence > events[^1].Sequence)
                {
                    events.Add(e);
                }
                else
                {
                    events.Insert(~events.BinarySearch(e, BySequence), e);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        RunRecord[] runs;
        lock (_gate)
        {
            runs = [.. _runs.Values];
        }

        // Same order as the SQLite store: newest start first, then id descending (ordinal) to break ties.
        Array.Sort(runs, static (a, b) =>
        {
            var byStart = b.StartedAt.CompareTo(a.StartedAt);
            return byStart != 0 ? byStart : string.CompareOrdinal(b.Id, a.Id);
        });

        IReadOnlyList<RunRecord> result = runs.Take(limit).Select(Copy).ToList();
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Several run ids start with <paramref name="runId"/> and none equals it.</exception>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        cancellationToken.ThrowIfCancellationRequested();
        RunRecord? found = null;
        lock (_gate)
        {
            if (!_runs.TryGetValue(runId, out found))
            {
                foreach (var (id, run) in _runs)
                {
                    if (!id.StartsWith(runId, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (found is not null)
                    {
                        return Task.FromException<RunRecord?>(new InvalidOperationException($"run id prefix '{runId}' is ambiguous"));
                    }

                    found = run;
                }
            }
        }

        return Task.FromResult(found is null ? null : Copy(found));
    }

    /// <inheritdoc />
    /// <remarks><paramref name="runId"/> is the full id (resolve a prefix with <see cref="GetRunAsync"/> first).</remarks>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        cancellationToken.ThrowIfCancellationRequested();
        HistoryEvent[] events;
        lock (_gate)
        {
            events = _history.TryGetValue(runId, out var list) ? [.. list] : [];
        }

        IReadOnlyList<HistoryEvent> result = Array.ConvertAll(events, static e => e with { Data = e.Data?.DeepClone() });
        return Task.FromResult(result);
    }

    /// <summary>As the SQLite store does: what a run is (workflow, version, start, input) is fixed by its first save.</summary>
    private static RunRecord KeepIdentity(RunRecord first, RunRecord next) =>
        ReferenceEquals(first.Input, next.Input) && first.StartedAt.Equals(next.StartedAt)
            && string.Equals(first.Workflow, next.Workflow, StringComparison.Ordinal) && string.Equals(first.Version, next.Version, StringComparison.Ordinal)
            ? next
            : next with { Workflow = first.Workflow, Version = first.Version, StartedAt = first.StartedAt, Input = first.Input };

    private static RunRecord Copy(RunRecord run) => run with
    {
        Input = run.Input?.DeepClone(),
        Output = run.Output?.DeepClone(),
        Error = run.Error?.DeepClone(),
    };
}
