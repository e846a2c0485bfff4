namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>Error types of the transport itself, beside the engine's own (<c>Orchestrator.Contracts.ErrorTypes</c>).</summary>
internal static class TransportErrors
{
    /// <summary>
    /// The broker did not take an invocation (it refused it, could not route it, or the connection was down).
    /// Retryable: a step's <c>retry</c> tries again once the broker is back.
    /// </summary>
    public const string Unavailable = "transport";
}
