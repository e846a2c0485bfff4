using System.Diagnostics;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Timestamps of one lone run's saves and function calls, in order (one run at a time).</summary>
internal sealed class Timeline
{
    private readonly List<(char Kind, long Start, long Returned, long End)> _marks = [];

    public void Clear()
    {
        lock (_marks)
        {
            _marks.Clear();
        }
    }

    public void Save(long start, long returned, long end)
    {
        lock (_marks)
        {
            _marks.Add(('S', start, returned, end));
        }
    }

    public void Call(long start, long end)
    {
        lock (_marks)
        {
            _marks.Add(('F', start, end, end));
        }
    }

    /// <summary>Cuts [started, ended] into named segments; each name's time is summed over the run.</summary>
    public IEnumerable<(string Name, double Micros)> Segments(long started, long ended)
    {
        (char Kind, long Start, long Returned, long End)[] marks;
        lock (_marks)
        {
            marks = [.. _marks.OrderBy(m => m.Start)];
        }

        var sums = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["engine: run start -> first save (setup, step a's 'with', record)"] = 0,
            ["store: SaveAsync call (serialise JSON, enqueue)"] = 0,
            ["store: wait for commit (queue, transaction, wake-up)"] = 0,
            ["dispatch: commit -> function starts (engine resumes, broker, channel, worker host)"] = 0,
            ["function: executor (bind, run incl. Task.Yield, serialise)"] = 0,
            ["reply: function ends -> next save (broker, engine resumes, record, next 'with')"] = 0,
            ["engine: last commit -> caller resumes"] = 0,
        };
        var previous = started;
        var previousKind = 'B';
        foreach (var (kind, start, returned, end) in marks)
        {
            var gap = start - previous;
            var name = (previousKind, kind) switch
            {
                ('B', _) => "engine: run start -> first save (setup, step a's 'with', record)",
                ('S', 'F') => "dispatch: commit -> function starts (engine resumes, broker, channel, worker host)",
                ('F', 'S') => "reply: function ends -> next save (broker, engine resumes, record, next 'with')",
                _ => "other",
            };
            Add(name, gap);
            if (kind == 'S')
            {
                Add("store: SaveAsync call (serialise JSON, enqueue)", returned - start);
                Add("store: wait for commit (queue, transaction, wake-up)", end - returned);
            }
            else
            {
                Add("function: executor (bind, run incl. Task.Yield, serialise)", end - start);
            }

            previous = end;
            previousKind = kind;
        }

        Add("engine: last commit -> caller resumes", ended - previous);
        return sums.Select(s => (s.Key, Stopwatch.GetElapsedTime(0, s.Value).TotalMicroseconds));

        void Add(string name, long ticks) => sums[name] = sums.GetValueOrDefault(name) + ticks;
    }
}
