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
    /// <exception cref="ArgumentException">An event belongs to another run, or its sequence does not follow the run's last one.</exception>
    public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        var run = changes.Run;
        ArgumentException.ThrowIfNullOrEmpty(run.Id, "changes.Run.Id");

        lock (_gate)
        {
            // Validate everything before changing anything: a rejected save leaves no trace, as a rolled-back
            // transaction would.
            var known = _history.TryGetValue(run.Id, out var events);
            var last = known ? events![^1].Sequence : long.MinValue;
            foreach (var e in changes.Events)
            {
                if (!string.Equals(e.RunId, run.Id, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Event {e.Sequence} belongs to run '{e.RunId}', not '{run.Id}'.", nameof(changes));
                }

                if (e.Sequence <= last)
                {
                    throw new ArgumentException($"Event sequence {e.Sequence} of run '{run.Id}' does not follow {last}.", nameof(changes));
                }

                last = e.Sequence;
            }

            _runs[run.Id] = run;
            if (changes.Events.Count > 0)
            {
                if (known)
                {
                    events!.AddRange(changes.Events);
                }
                else
                {
                    _history[run.Id] = [.. changes.Events];
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

    private static RunRecord Copy(RunRecord run) => run with
    {
        Input = run.Input?.DeepClone(),
        Output = run.Output?.DeepClone(),
        Error = run.Error?.DeepClone(),
    };
}
