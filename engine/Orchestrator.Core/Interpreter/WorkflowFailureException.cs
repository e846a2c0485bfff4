using Orchestrator.Contracts;

namespace Orchestrator.Core.Interpreter;

/// <summary>A step failed with a typed error; <c>retry</c> and <c>catch</c> act on it, else it fails the run.</summary>
public sealed class WorkflowFailureException : Exception
{
    /// <summary>Creates a failure of <paramref name="step"/> with <paramref name="error"/>.</summary>
    public WorkflowFailureException(ErrorInfo error, string? step, Exception? inner = null)
        : base(error?.Message, inner)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
        Step = step;
    }

    /// <summary>The error, in the shape every language shares.</summary>
    public ErrorInfo Error { get; }

    /// <summary>The path of the step where it happened.</summary>
    public string? Step { get; }
}
