using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Validation;

/// <summary>One problem in a workflow, printed the way compilers do: <c>file:line:col: error: message</c>.</summary>
public sealed record Diagnostic(SourceLocation Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location.File}:{Location.Line}:{Location.Column}: error: {Message}";
}
