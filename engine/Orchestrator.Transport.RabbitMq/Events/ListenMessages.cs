using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Transport.RabbitMq.Triggers;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Events;

/// <summary>
/// Reads a message on a listen channel into the event object a <c>listen</c> step receives
/// (<c>{ id, type, source, subject, time, datacontenttype, data }</c>): the same messages a queue trigger accepts, raw
/// JSON or a CloudEvent in structured or binary mode.
/// </summary>
internal static class ListenMessages
{
    /// <summary>The message as an event object; null with <paramref name="problem"/> when it is not JSON or not a valid CloudEvent.</summary>
    public static JsonObject? TryRead(ReadOnlyMemory<byte> body, IReadOnlyBasicProperties properties, out string? problem)
    {
        var message = TriggerMessageParser.TryParse(body, properties, out problem);
        if (message is null)
        {
            return null;
        }

        if (message.Event is not { } attributes)
        {
            // Raw JSON: the body is the data, the AMQP message-id its id.
            return EventMessages.FromPlainJson(message.Input, message.MessageId);
        }

        return EventMessages.FromCloudEvent(attributes, message.Input);
    }
}
