using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// The history of a run being resumed, consumed as the run executes again from its start. Re-executing a run is
/// deterministic up to where it stopped: steps record the same events in the same order per step, so the k-th event
/// of a kind for a step and attempt is the k-th such event of the history. Those events are "absorbed" (not recorded
/// twice), and steps with effects outside the run (calls, emits, listens, waits) take their recorded outcome instead
/// of acting again. Past where the run stopped, nothing is left to absorb and the run goes on live.
/// </summary>
internal sealed class ReplayLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(HistoryEventKind Kind, string Path, int Attempt), Queue<HistoryEvent>> _recorded = [];
    private readonly Dictionary<long, HistoryEvent> _outcomeOfStart = [];

    public ReplayLog(IReadOnlyList<HistoryEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var open = new Dictionary<(string, int), HistoryEvent>();
        foreach (var e in history)
        {
            LastSequence = Math.Max(LastSequence, e.Sequence);
            if (e.StepPath is not { } path)
            {
                continue;
            }

            if (e.Kind == HistoryEventKind.FunctionInvoked)
            {
                // Not absorbed: a call sent again after a resume is recorded again, with its new invocation id.
                Invocations++;
                continue;
            }

            var key = (e.Kind, path, e.Attempt);
            if (!_recorded.TryGetValue(key, out var queue))
            {
                queue = new Queue<HistoryEvent>();
                _recorded.Add(key, queue);
            }

            queue.Enqueue(e);
            switch (e.Kind)
            {
                case HistoryEventKind.StepStarted:
                    open[(path, e.Attempt)] = e;
                    break;
                case HistoryEventKind.StepCompleted or HistoryEventKind.StepFailed or HistoryEventKind.StepCancelled:
                    if (open.Remove((path, e.Attempt), out var started))
                    {
                        _outcomeOfStart[started.Sequence] = e;
                    }

                    break;
            }
        }
    }

    /// <summary>The highest sequence in the history: new events continue after it.</summary>
    public long LastSequence { get; }

    /// <summary>How many invocations the run sent before (invocation ids continue after it).</summary>
    public long Invocations { get; }

    /// <summary>Takes the recorded event that an event now being recorded repeats, or null when it is new.</summary>
    public HistoryEvent? Absorb(HistoryEventKind kind, string path, int attempt)
    {
        lock (_gate)
        {
            return _recorded.TryGetValue((kind, path, attempt), out var queue) && queue.TryDequeue(out var recorded) ? recorded : null;
        }
    }

    /// <summary>
    /// The recorded attempt that the attempt about to start repeats (its start is absorbed when the step records it),
    /// or null when this attempt never started before.
    /// </summary>
    public ReplayedAttempt? Peek(string path, int attempt)
    {
        lock (_gate)
        {
            if (!_recorded.TryGetValue((HistoryEventKind.StepStarted, path, attempt), out var queue) || !queue.TryPeek(out var started))
            {
                return null;
            }

            return new ReplayedAttempt(started.Timestamp, _outcomeOfStart.GetValueOrDefault(started.Sequence));
        }
    }
}

/// <summary>An attempt as the history tells it.</summary>
/// <param name="StartedAt">When it first started (its timeout and a wait count from here).</param>
/// <param name="Outcome">Its StepCompleted, StepFailed or StepCancelled event; null when the run stopped during it.</param>
internal sealed record ReplayedAttempt(DateTimeOffset StartedAt, HistoryEvent? Outcome);
