using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary><c>set: { … }</c>: evaluates a value; the step's result is that value.</summary>
public sealed class SetTask : TaskDefinition
{
    /// <summary>The value to evaluate.</summary>
    public required ValueTemplate Value { get; init; }

    /// <inheritdoc />
    public override string Kind => "set";
}
