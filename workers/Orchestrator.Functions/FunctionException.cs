namespace Orchestrator.Functions;

/// <summary>
/// Throw to fail an invocation with a chosen error type (e.g. <c>payment-declined</c>) that workflows can
/// <c>catch</c> by type. Any other exception fails it with the exception's class name as the type.
/// </summary>
public sealed class FunctionException : Exception
{
    /// <summary>Creates an error of the given type.</summary>
    public FunctionException(string type, string message, bool retryable = true)
        : base(message)
    {
        ErrorType = type;
        Retryable = retryable;
    }

    /// <summary>The error type that <c>catch: { errors: { type: … } }</c> matches.</summary>
    public string ErrorType { get; }

    /// <summary>Whether a <c>retry</c> policy may try again.</summary>
    public bool Retryable { get; }
}
