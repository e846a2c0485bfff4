namespace Orchestrator.Contracts;

/// <summary>
/// The engine's side of the transport: sends commands to whichever workers host a function.
/// The embedded default is in-process (channels); the distributed one puts the same records on RabbitMQ.
/// </summary>
public interface IFunctionDispatcher
{
    /// <summary>Sends an invocation; the reply arrives later through <see cref="IInvocationReplies"/>.</summary>
    ValueTask DispatchAsync(InvokeFunction command, CancellationToken cancellationToken);

    /// <summary>Asks the worker running an invocation to stop it.</summary>
    ValueTask CancelAsync(CancelInvocation command, CancellationToken cancellationToken);
}
