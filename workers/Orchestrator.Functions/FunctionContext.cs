namespace Orchestrator.Functions;

/// <summary>What a function knows about the invocation that runs it.</summary>
public sealed class FunctionContext
{
    private readonly List<string> _logs = [];

    /// <summary>Creates a context for one invocation.</summary>
    public FunctionContext(string invocationId, string runId, string step, int attempt, TimeProvider time)
    {
        InvocationId = invocationId;
        RunId = runId;
        Step = step;
        Attempt = attempt;
        Time = time;
    }

    /// <summary>Unique id of this attempt.</summary>
    public string InvocationId { get; }

    /// <summary>The run that called the function.</summary>
    public string RunId { get; }

    /// <summary>The calling step's path in the workflow.</summary>
    public string Step { get; }

    /// <summary>1 for the first attempt; higher on retries.</summary>
    public int Attempt { get; }

    /// <summary>The clock to use instead of <see cref="DateTime.Now"/>, so tests can fake time.</summary>
    public TimeProvider Time { get; }

    /// <summary>Lines logged with <see cref="Log"/>; they become the step's log in the run history.</summary>
    public IReadOnlyList<string> Logs
    {
        get
        {
            lock (_logs)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>Adds a line to the step's log.</summary>
    public void Log(string line)
    {
        lock (_logs)
        {
            _logs.Add(line);
        }
    }
}
