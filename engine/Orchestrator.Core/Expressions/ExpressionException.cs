namespace Orchestrator.Core.Expressions;

/// <summary>An expression failed while a run evaluated it.</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the error for one expression's text.</summary>
    public ExpressionException(string expression, string message, Exception? inner = null)
        : base($"expression '{expression}' failed: {message}", inner)
    {
        Expression = expression;
    }

    /// <summary>The source text that failed.</summary>
    public string Expression { get; }
}
