namespace Orchestrator.Core.Events;

/// <summary>
/// The embedded deployment's publisher: an emitted event goes straight into this engine's <see cref="EventHub"/> on
/// the channel named by <c>to</c> (there is no exchange in process; an exchange is ignored and <c>to</c> names the
/// channel), where <c>listen</c> steps of this engine receive it.
/// </summary>
public sealed class LocalEventPublisher(EventHub hub) : IEventPublisher
{
    /// <inheritdoc />
    public Task PublishAsync(OutgoingEvent message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return hub.DeliverAsync(message.To, EventMessages.AsReceived(message), cancellationToken);
    }
}
