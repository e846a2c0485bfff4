namespace Orchestrator.Core.Definitions;

/// <summary>
/// <c>fork:</c> runs branches in parallel. The result is an object of branch results by branch name; with
/// <c>compete: true</c> the first branch to succeed wins, the others are cancelled, and the result is the winner's.
/// </summary>
public sealed class ForkTask : TaskDefinition
{
    /// <summary>The branches: each is a named task.</summary>
    public required TaskList Branches { get; init; }

    /// <summary>First-wins mode.</summary>
    public bool Compete { get; init; }

    /// <inheritdoc />
    public override string Kind => "fork";

    /// <inheritdoc />
    public override IEnumerable<TaskList> Children() => [Branches];
}
