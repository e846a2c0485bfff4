using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary><c>call: FUNCTION</c> with <c>with:</c> arguments: invokes a function; its result is the function's output.</summary>
public sealed class CallTask : TaskDefinition
{
    /// <summary>The function's registered name.</summary>
    public required string Function { get; init; }

    /// <summary>Where the function's name is written, for errors about it.</summary>
    public SourceLocation FunctionLocation { get; init; }

    /// <summary>The payload; null sends an empty object.</summary>
    public ValueTemplate? With { get; init; }

    /// <inheritdoc />
    public override string Kind => "call";
}
