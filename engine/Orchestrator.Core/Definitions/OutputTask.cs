using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary><c>output: { … }</c>: sets the workflow's output and ends the run successfully.</summary>
public sealed class OutputTask : TaskDefinition
{
    /// <summary>The output value.</summary>
    public required ValueTemplate Value { get; init; }

    /// <inheritdoc />
    public override string Kind => "output";
}
