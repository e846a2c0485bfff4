using System.Text.Json.Nodes;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// A run's state and the history events it has recorded but not yet committed. The run flushes before every
/// wait (a dispatch, a timer, the end), so each commit is one transaction holding everything since the last.
/// </summary>
internal sealed class RunJournal(RunRecord run, IRunStore store, TimeProvider time, IRunObserver? observer)
{
    private readonly object _gate = new();
    private List<HistoryEvent> _pending = [];
    private long _sequence;
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

    public void Record(HistoryEventKind kind, string? step, int attempt, JsonNode? data)
    {
        HistoryEvent entry;
        lock (_gate)
        {
            entry = new HistoryEvent(run.Id, ++_sequence, time.GetUtcNow(), kind, step, attempt, data);
            _pending.Add(entry);
        }

        observer?.OnEvent(entry);
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
            if (_pending.Count == 0 && !_runChanged)
            {
                return ValueTask.CompletedTask;
            }

            var changes = new RunChanges(run, _pending);
            _pending = [];
            _runChanged = false;
            return store.SaveAsync(changes, cancellationToken);
        }
    }
}
