using System.Text.Json.Nodes;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>A trigger message, read: the run's input and what identifies the message.</summary>
/// <param name="Input">The run input: the body of a raw JSON message, the <c>data</c> of a CloudEvent.</param>
/// <param name="Event">The CloudEvent's context attributes (<c>id</c>, <c>source</c>, <c>type</c>…), or null for a raw message.</param>
/// <param name="MessageId">The AMQP <c>message-id</c>, if the publisher set one.</param>
/// <param name="Headers">The AMQP headers, as text.</param>
internal sealed record TriggerMessage(JsonNode? Input, JsonObject? Event, string? MessageId, JsonObject Headers);
