using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary><c>raise: { type, message, retryable }</c>: fails the step with a typed error that <c>catch</c> can match.</summary>
public sealed class RaiseTask : TaskDefinition
{
    /// <summary>The error type.</summary>
    public required string ErrorType { get; init; }

    /// <summary>The message (may interpolate expressions).</summary>
    public required ValueTemplate Message { get; init; }

    /// <summary>Whether a <c>retry</c> may try again. Default false.</summary>
    public bool Retryable { get; init; }

    /// <inheritdoc />
    public override string Kind => "raise";
}
