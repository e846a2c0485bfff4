using System.Text.Json.Nodes;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// A run's state and the history events it has recorded but not yet committed. The run flushes before every
/// wait (a dispatch, a timer, the end), so each commit is one transaction holding everything since the last.
/// </summary>
/// <remarks>A resumed run's journal replays its history: events the run records again are absorbed (see <see cref="ReplayLog"/>).</remarks>
internal sealed class RunJournal(RunRecord run, IRunStore store, TimeProvider time, IRunObserver? observer, ReplayLog? replay = null)
{
    private readonly object _gate = new();
    private List<HistoryEvent> _pending = [];
    private List<long>? _consumed;
    private long _sequence = replay?.LastSequence ?? 0;
    private bool _runChanged = true;

    public RunRecord Run
    {
        get
        {
            lock (_gate)
            {
                return run;
            }
        }
    }

    /// <summary>The history being replayed, when the run was resumed.</summary>
    public ReplayLog? Replay => replay;

    /// <summary>Records an event, unless it repeats one of a resumed run's history.</summary>
    /// <returns>The earlier event this one repeats (it is not recorded again), or null when recorded.</returns>
    public HistoryEvent? Record(HistoryEventKind kind, string? step, int attempt, JsonNode? data)
    {
        if (replay is not null && step is not null && kind != HistoryEventKind.FunctionInvoked && replay.Absorb(kind, step, attempt) is { } recorded)
        {
            return recorded;
        }

        HistoryEvent entry;
        lock (_gate)
        {
            entry = new HistoryEvent(run.Id, ++_sequence, time.GetUtcNow(), kind, step, attempt, data);
            _pending.Add(entry);
        }

        observer?.OnEvent(entry);
        return null;
    }

    /// <summary>Deletes an inbox message in the next commit: the events recorded since consumed it.</summary>
    public void Consume(long inboxId)
    {
        lock (_gate)
        {
            (_consumed ??= []).Add(inboxId);
        }
    }

    public void Update(Func<RunRecord, RunRecord> change)
    {
        lock (_gate)
        {
            run = change(run);
            _runChanged = true;
        }
    }

    /// <remarks>
    /// Hands the changes to the store inside the lock: branches of one run flush concurrently, and the store
    /// commits saves in the order it receives them, so a newer run state can never be overwritten by an older one.
    /// </remarks>
    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_pending.Count == 0 && !_runChanged && _consumed is null)
            {
                return ValueTask.CompletedTask;
            }

            var changes = new RunChanges(run, _pending, _consumed);
            _pending = [];
            _consumed = null;
            _runChanged = false;
            return store.SaveAsync(changes, cancellationToken);
        }
    }
}
