using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary><c>run: { workflow, version, input }</c>: runs another workflow and takes its output as the result.</summary>
public sealed class RunTask : TaskDefinition
{
    /// <summary>The sub-workflow's <c>document.name</c>.</summary>
    public required string Workflow { get; init; }

    /// <summary>Where the sub-workflow's name is written, for errors about it.</summary>
    public SourceLocation WorkflowLocation { get; init; }

    /// <summary>Its <c>document.version</c>; null takes the highest loaded version.</summary>
    public string? Version { get; init; }

    /// <summary>The sub-workflow's input; null passes an empty object.</summary>
    public ValueTemplate? Input { get; init; }

    /// <inheritdoc />
    public override string Kind => "run";
}
