namespace Orchestrator.Core.Events;

/// <summary>Sends what <c>emit</c> steps publish: in process (<see cref="LocalEventPublisher"/>) or through a broker.</summary>
public interface IEventPublisher
{
    /// <summary>Publishes; completes when the message is durable (stored, or confirmed by the broker).</summary>
    Task PublishAsync(OutgoingEvent message, CancellationToken cancellationToken);
}
