namespace Orchestrator.Core.Definitions;

/// <summary><c>wait: 5s</c>: pauses the run. The result is null.</summary>
public sealed class WaitTask : TaskDefinition
{
    /// <summary>How long to wait.</summary>
    public required TimeSpan Duration { get; init; }

    /// <inheritdoc />
    public override string Kind => "wait";
}
