using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary>
/// One <c>catch:</c> clause: which errors it handles (by type; none listed means any), an optional
/// <c>when</c>, a <c>retry</c> of the whole <c>try</c> block, and a <c>do</c> handler.
/// </summary>
public sealed record CatchClause
{
    /// <summary>Error types handled; empty handles every error.</summary>
    public IReadOnlyList<string> ErrorTypes { get; init; } = [];

    /// <summary>The name the error is bound to inside <see cref="When"/> and <see cref="Do"/>. Default <c>error</c>.</summary>
    public string As { get; init; } = "error";

    /// <summary>Extra condition on the error.</summary>
    public CompiledExpression? When { get; init; }

    /// <summary>Retries of the whole try block before the handler runs.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>The handler; without one, the error is swallowed and the step's result is null.</summary>
    public TaskList? Do { get; init; }

    /// <summary>Where the clause is defined.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Whether this clause handles an error of <paramref name="type"/> (before <see cref="When"/>).</summary>
    public bool Matches(string type) =>
        ErrorTypes.Count == 0 || ErrorTypes.Contains(type, StringComparer.Ordinal) || ErrorTypes.Contains("*", StringComparer.Ordinal);
}
