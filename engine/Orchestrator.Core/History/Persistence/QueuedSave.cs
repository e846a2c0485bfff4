using System.Threading.Tasks.Sources;

namespace Orchestrator.Core.History.Persistence;

/// <summary>
/// One <see cref="RunChanges"/> waiting for a store's group-commit writer, already turned into column values, and the
/// awaitable its caller holds until the batch it joined is committed. Each store derives its queue entry from it.
/// </summary>
/// <remarks>
/// JSON is serialized here, on the caller's thread, so the single writer only binds values and sends them; it also
/// snapshots the nodes, so a caller that reuses them later cannot change what is written.
/// Being its own <see cref="IValueTaskSource"/> saves the Task and TaskCompletionSource a save would otherwise
/// allocate; each instance is used once, so the usual ValueTask rules are all a caller must respect.
/// </remarks>
public abstract class QueuedSave : IValueTaskSource
{
    // Continuations run on the thread pool so that the writer never runs callers' code
    // (a caller awaiting here might go on to start its next step, or block).
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };

    /// <summary>Checks the changes belong together and serializes their JSON.</summary>
    /// <exception cref="ArgumentException">An event belongs to another run, or sequences do not increase.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An undefined run status or event kind.</exception>
    protected QueuedSave(RunChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var run = changes.Run ?? throw new ArgumentException("RunChanges.Run is required.", nameof(changes));
        var events = changes.Events ?? [];
        ArgumentException.ThrowIfNullOrEmpty(run.Id, "changes.Run.Id");
        _ = StoreEncoding.ToName(run.Status);

        var eventData = events.Count == 0 ? [] : new string?[events.Count];
        var previous = long.MinValue;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            RunChanges.CheckEvent(changes, e, ref previous);
            _ = StoreEncoding.ToName(e.Kind); // rejects an undefined kind here, where the caller sees it
            eventData[i] = e.Data is null ? null : StoreEncoding.ToText(e.Data);
        }

        Run = run;
        Events = events;
        EventData = eventData;

        // Copied, like the JSON: what is deleted is what the caller passed, whatever it does with its list later.
        Consumed = changes.Consumed is { Count: > 0 } ids ? [.. ids] : [];
        Input = run.Input is null ? null : StoreEncoding.ToText(run.Input);
        Output = run.Output is null ? null : StoreEncoding.ToText(run.Output);
        Error = run.Error is null ? null : StoreEncoding.ToText(run.Error);
    }

    public RunRecord Run { get; }

    /// <summary><see cref="RunRecord.Input"/> as JSON text.</summary>
    public string? Input { get; }

    /// <summary><see cref="RunRecord.Output"/> as JSON text.</summary>
    public string? Output { get; }

    /// <summary><see cref="RunRecord.Error"/> as JSON text.</summary>
    public string? Error { get; }

    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>Each event's <see cref="HistoryEvent.Data"/> as JSON text, by index.</summary>
    public string?[] EventData { get; }

    /// <summary>Inbox ids to delete in the same transaction; usually empty.</summary>
    public long[] Consumed { get; }

    /// <summary>The awaitable the caller holds; valid until it completes, once.</summary>
    public ValueTask AsValueTask() => new(this, _completion.Version);

    /// <summary>Called once the transaction that wrote it committed.</summary>
    public void Complete() => _completion.SetResult(true);

    /// <summary>Called when it could not be written.</summary>
    public void Fail(Exception error) => _completion.SetException(error);

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
