namespace Orchestrator.Core.History;

/// <summary>Where a step stands, as its history tells (see <see cref="StepTimeline"/>).</summary>
public enum StepStatus
{
    /// <summary>Started (or waiting to retry) and not finished.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Its last attempt failed and no retry follows.</summary>
    Failed,

    /// <summary>Its <c>if</c> was false; it never ran.</summary>
    Skipped,

    /// <summary>Stopped before it finished (its branch lost a race, or its parent timed out).</summary>
    Cancelled,
}
