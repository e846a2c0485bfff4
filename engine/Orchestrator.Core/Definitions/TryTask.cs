namespace Orchestrator.Core.Definitions;

/// <summary><c>try:</c> a block, with <c>catch:</c> clauses tried in order. The result is the block's (or the handler's) result.</summary>
public sealed class TryTask : TaskDefinition
{
    /// <summary>The protected block.</summary>
    public required TaskList Try { get; init; }

    /// <summary>The handlers, first match wins.</summary>
    public required IReadOnlyList<CatchClause> Catches { get; init; }

    /// <inheritdoc />
    public override string Kind => "try";

    /// <inheritdoc />
    public override IEnumerable<TaskList> Children() =>
        Catches.Where(c => c.Do is not null).Select(c => c.Do!).Prepend(Try);
}
