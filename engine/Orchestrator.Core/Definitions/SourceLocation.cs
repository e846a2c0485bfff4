namespace Orchestrator.Core.Definitions;

/// <summary>A place in a workflow file: 1-based line and column, as editors count them.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
