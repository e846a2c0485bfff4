namespace Orchestrator.Core.History;

/// <summary>Where a run stands.</summary>
public enum RunStatus
{
    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Stopped from outside before it finished.</summary>
    Cancelled,
}
