using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary>
/// <c>for: { each, in, at, concurrency }</c> with <c>do:</c>: runs the body once per item of an array.
/// The result is an array with each iteration's result (its last step's result), in item order.
/// </summary>
public sealed class ForTask : TaskDefinition
{
    /// <summary>The name the current item is bound to. Default <c>item</c>.</summary>
    public string Each { get; init; } = "item";

    /// <summary>The name the current index is bound to. Default <c>index</c>.</summary>
    public string At { get; init; } = "index";

    /// <summary>The expression that yields the array.</summary>
    public required CompiledExpression In { get; init; }

    /// <summary>How many iterations may run at once. Default 1 (one after another).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>The body.</summary>
    public required TaskList Do { get; init; }

    /// <inheritdoc />
    public override string Kind => "for";

    /// <inheritdoc />
    public override IEnumerable<TaskList> Children() => [Do];
}
