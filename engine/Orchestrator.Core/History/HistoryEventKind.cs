namespace Orchestrator.Core.History;

/// <summary>The transitions a run records, in the order they happen.</summary>
public enum HistoryEventKind
{
    /// <summary>The run began; data: the input.</summary>
    RunStarted,

    /// <summary>A step began an attempt; data: the step's evaluated input (for calls, the payload).</summary>
    StepStarted,

    /// <summary>A step's <c>if</c> was false; it did not run.</summary>
    StepSkipped,

    /// <summary>A call step sent <c>InvokeFunction</c>; data: function and invocation id.</summary>
    FunctionInvoked,

    /// <summary>A step finished; data: its result (for calls, plus invocation metrics and logs).</summary>
    StepCompleted,

    /// <summary>A step attempt failed; data: the error (for calls, plus metrics and logs).</summary>
    StepFailed,

    /// <summary>A failed attempt will be retried; data: the delay and the next attempt.</summary>
    StepRetrying,

    /// <summary>A step was cancelled (its branch lost a race, or its parent timed out).</summary>
    StepCancelled,

    /// <summary>A <c>catch</c> clause handled an error; data: the error.</summary>
    ErrorCaught,

    /// <summary>The run finished; data: the output.</summary>
    RunCompleted,

    /// <summary>The run failed; data: the error.</summary>
    RunFailed,

    /// <summary>The run was cancelled from outside.</summary>
    RunCancelled,

    /// <summary>The engine stopped while the run waited; the run stays running and resumes from its history.</summary>
    RunSuspended,

    /// <summary>An engine took the run up again after a stop or a crash; data: the owner. Steps then replay from history.</summary>
    RunResumed,
}
