using System.Threading.Tasks.Sources;
using Orchestrator.Core.History;

namespace Orchestrator.Stores.Postgres;

/// <summary>
/// One <see cref="RunChanges"/> waiting for the writer, already turned into column values, and the awaitable
/// its caller holds until the batch it joined is committed.
/// </summary>
/// <remarks>
/// JSON is serialized here, on the caller's thread, so the single writer only fills arrays and sends them; it
/// also snapshots the nodes, so a caller that reuses them later cannot change what is written.
/// Being its own <see cref="IValueTaskSource"/> saves the Task and TaskCompletionSource a save would otherwise
/// allocate; each instance is used once, so the usual ValueTask rules are all a caller must respect.
/// </remarks>
internal sealed class PendingSave : PendingWrite, IValueTaskSource
{
    // Continuations run on the thread pool so that the writer loop never runs callers' code
    // (a caller awaiting here might go on to start its next step, or block).
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };

    private PendingSave(RunRecord run, string? input, string? output, string? error, IReadOnlyList<HistoryEvent> events, string?[] eventData, long[] consumed)
    {
        Run = run;
        Input = input;
        Output = output;
        Error = error;
        Events = events;
        EventData = eventData;
        Consumed = consumed;
    }

    public RunRecord Run { get; }

    public string? Input { get; }

    public string? Output { get; }

    public string? Error { get; }

    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>Each event's <see cref="HistoryEvent.Data"/> as JSON text, by index.</summary>
    public string?[] EventData { get; }

    /// <summary>Inbox ids to delete in the same transaction; usually empty.</summary>
    public long[] Consumed { get; }

    /// <summary>Roughly how many characters it sends: what bounds a batch's size besides its count.</summary>
    public long Size { get; private init; }

    /// <summary>Checks the changes belong together and serializes their JSON.</summary>
    /// <exception cref="ArgumentException">An event belongs to another run, or sequences do not increase.</exception>
    public static PendingSave Create(RunChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var run = changes.Run ?? throw new ArgumentException("RunChanges.Run is required.", nameof(changes));
        var events = changes.Events ?? [];
        ArgumentException.ThrowIfNullOrEmpty(run.Id, "changes.Run.Id");
        _ = PostgresCodec.ToColumn(run.Status);

        var eventData = events.Count == 0 ? [] : new string?[events.Count];
        var previous = long.MinValue;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!string.Equals(e.RunId, run.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Event {e.Sequence} belongs to run '{e.RunId}', not '{run.Id}'.", nameof(changes));
            }

            if (e.Sequence <= previous)
            {
                throw new ArgumentException($"Event sequences of run '{run.Id}' must increase ({previous} then {e.Sequence}).", nameof(changes));
            }

            previous = e.Sequence;
            _ = PostgresCodec.ToColumn(e.Kind); // rejects an undefined kind here, where the caller sees it
            eventData[i] = e.Data?.ToJsonString();
        }

        // Copied, like the JSON: what is deleted is what the caller passed, whatever it does with its list later.
        long[] consumed = changes.Consumed is { Count: > 0 } ids ? [.. ids] : [];
        var input = run.Input?.ToJsonString();
        var output = run.Output?.ToJsonString();
        var error = run.Error?.ToJsonString();
        long size = 128 + (input?.Length ?? 0) + (output?.Length ?? 0) + (error?.Length ?? 0);
        foreach (var data in eventData)
        {
            size += 64 + (data?.Length ?? 0);
        }

        return new PendingSave(run, input, output, error, events, eventData, consumed) { Size = size };
    }

    public ValueTask AsValueTask() => new(this, _completion.Version);

    public void Complete() => _completion.SetResult(true);

    public override void Fail(Exception error) => _completion.SetException(error);

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
