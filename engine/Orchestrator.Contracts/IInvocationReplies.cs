namespace Orchestrator.Contracts;

/// <summary>The workers' side of the transport: where replies to <see cref="InvokeFunction"/> go.</summary>
public interface IInvocationReplies
{
    /// <summary>Delivers a successful result.</summary>
    ValueTask CompletedAsync(FunctionCompleted reply, CancellationToken cancellationToken);

    /// <summary>Delivers a failure.</summary>
    ValueTask FailedAsync(FunctionFailed reply, CancellationToken cancellationToken);
}
