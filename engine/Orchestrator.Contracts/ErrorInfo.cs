namespace Orchestrator.Contracts;

/// <summary>
/// The one failure shape shared by every language, the workers and the engine:
/// <c>{type, message, stack, retryable}</c>.
/// </summary>
/// <param name="Type">A stable error type: a user exception's class name, a raised error's type, or one of the
/// engine's own types (see <see cref="ErrorTypes"/>).</param>
/// <param name="Message">A human-readable explanation.</param>
/// <param name="Stack">The stack trace of the function that failed, when there is one.</param>
/// <param name="Retryable">Whether a <c>retry</c> policy may try again. Deterministic failures
/// (bad definitions, expression errors) are not retryable.</param>
public sealed record ErrorInfo(string Type, string Message, string? Stack = null, bool Retryable = true);
