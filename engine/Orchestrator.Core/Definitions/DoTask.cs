namespace Orchestrator.Core.Definitions;

/// <summary><c>do: [ … ]</c>: a nested sequence of steps (e.g. a fork branch with several steps). Its result is its last step's.</summary>
public sealed class DoTask : TaskDefinition
{
    /// <summary>The steps.</summary>
    public required TaskList Do { get; init; }

    /// <inheritdoc />
    public override string Kind => "do";

    /// <inheritdoc />
    public override IEnumerable<TaskList> Children() => [Do];
}
