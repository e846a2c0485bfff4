using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Orchestrator.Core.Events;

namespace Orchestrator.Core.History;

/// <summary>
/// Keeps runs, history, inbox messages and leases in memory: for tests and benchmarks, with the same behaviour as
/// the durable stores (atomic saves that delete the messages they consumed, newest-first listing, id prefix lookup,
/// leases stamped on insert, renewed and claimed). Safe to use from many threads.
/// </summary>
/// <remarks>
/// Saves keep the caller's JSON nodes without copying, which keeps benchmarks honest about the engine's own cost;
/// so, as with any store, a caller must not change nodes after saving them. Reads return copies, so what a reader
/// does with them cannot reach the stored runs, just as with a store that parses from disk. Inbox messages are kept
/// the same way.
/// </remarks>
public sealed class InMemoryRunStore : IRunStore, IEventInbox, IRunLeases
{

    private static readonly Comparer<HistoryEvent> BySequence = Comparer<HistoryEvent>.Create(static (a, b) => a.Sequence.CompareTo(b.Sequence));

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunRecord> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistoryEvent>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);

    // Ids only grow, so the dictionary's key order is the order to list them in.
    private readonly SortedDictionary<long, InboxMessage> _inbox = [];
    private long _lastMessageId;

    /// <summary>A store whose runs get <paramref name="owner"/> and leases of <paramref name="leaseDuration"/>.</summary>
    /// <param name="leaseDuration">How long a lease lasts (<see cref="LeaseDuration"/>); default
    /// <see cref="RunLeases.DefaultDuration"/>.</param>
    /// <param name="owner">This store's <see cref="Owner"/>; default a new random id.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseDuration"/> is not positive.</exception>
    public InMemoryRunStore(TimeSpan? leaseDuration = null, string? owner = null)
    {
        LeaseDuration = leaseDuration ?? RunLeases.DefaultDuration;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseDuration, TimeSpan.Zero, nameof(leaseDuration));
        if (owner is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        }

        Owner = owner ?? Guid.NewGuid().ToString("N");
    }

    /// <inheritdoc />
    public string Owner { get; }

    /// <inheritdoc />
    public TimeSpan LeaseDuration { get; }

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
    /// status, end time, output and error. The first save also gives the run this <see cref="Owner"/> and a lease
    /// until its start plus <see cref="LeaseDuration"/>; later saves leave them alone. The inbox messages in
    /// <see cref="RunChanges.Consumed"/> are removed with the save (an id already gone is no error), and a rejected
    /// save removes none. Like the SQLite store, this accepts a run's saves out of sequence order (two branches of one run may flush
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
            RunChanges.CheckEvent(changes, e, ref previous);
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
            if (!exists)
            {
                _leases[run.Id] = new Lease(Owner, run.StartedAt + LeaseDuration);
            }

            if (changes.Consumed is { } consumed)
            {
                foreach (var id in consumed)
                {
                    _inbox.Remove(id);
                }
            }

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
    /// <remarks>Ids increase from 1 and are never reused.</remarks>
    public Task<long> AddMessageAsync(string channel, JsonObject message, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        long id;
        lock (_gate)
        {
            id = ++_lastMessageId;
            _inbox.Add(id, new InboxMessage(id, channel, message, receivedAt));
        }

        return Task.FromResult(id);
    }

    /// <inheritdoc />
    public Task<int> DeleteMessagesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(ids.Distinct().Count(_inbox.Remove));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        InboxMessage[] messages;
        lock (_gate)
        {
            messages = [.. _inbox.Values];
        }

        IReadOnlyList<InboxMessage> result = Array.ConvertAll(messages, static m => m with { Message = (JsonObject)m.Message.DeepClone() });
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task RenewLeasesAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var (id, lease) in _leases)
            {
                if (string.Equals(lease.Owner, Owner, StringComparison.Ordinal) && _runs[id].Status == RunStatus.Running)
                {
                    lease.Until = until;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Under the store's lock, so atomic with respect to its saves, renewals and other claims.</remarks>
    public Task<IReadOnlyList<RunRecord>> ClaimExpiredRunsAsync(DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var claimed = new List<RunRecord>();
        lock (_gate)
        {
            foreach (var (id, lease) in _leases)
            {
                var run = _runs[id];
                if (run.Status == RunStatus.Running && (lease.Until is not { } ends || ends < now))
                {
                    lease.Owner = Owner;
                    lease.Until = until;
                    claimed.Add(Copy(run));
                }
            }
        }

        claimed.Sort(static (a, b) =>
        {
            var byStart = a.StartedAt.CompareTo(b.StartedAt);
            return byStart != 0 ? byStart : string.CompareOrdinal(a.Id, b.Id);
        });
        IReadOnlyList<RunRecord> result = claimed;
        return Task.FromResult(result);
    }

    /// <summary>
    /// Sets a run's owner and lease as another engine sharing the store would have: for tests of claiming
    /// (an in-memory store is never shared by two engines).
    /// </summary>
    /// <param name="runId">A run already saved.</param>
    /// <param name="owner">The owner to write.</param>
    /// <param name="until">The lease's end; null for none (counts as expired, like a run from an old SQLite file).</param>
    /// <exception cref="KeyNotFoundException">No run has that id.</exception>
    internal void SetLease(string runId, string owner, DateTimeOffset? until)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(owner);
        lock (_gate)
        {
            if (!_leases.TryGetValue(runId, out var lease))
            {
                throw new KeyNotFoundException($"No run '{runId}'.");
            }

            lease.Owner = owner;
            lease.Until = until;
        }
    }

    /// <summary>A run's owner and lease end, as the store holds them; null when no run has that id.</summary>
    /// <param name="runId">The full run id.</param>
    internal (string Owner, DateTimeOffset? Until)? GetLease(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        lock (_gate)
        {
            return _leases.TryGetValue(runId, out var lease) ? (lease.Owner, lease.Until) : null;
        }
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
                        return Task.FromException<RunRecord?>(Persistence.StoreRows.AmbiguousPrefix(runId));
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

    /// <summary>Who drives a run and until when; changed only under the store's lock.</summary>
    private sealed class Lease(string owner, DateTimeOffset? until)
    {
        public string Owner { get; set; } = owner;

        public DateTimeOffset? Until { get; set; } = until;
    }
}
