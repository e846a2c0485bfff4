namespace Orchestrator.Core.Definitions;

/// <summary>
/// <c>emit: { to: QUEUE, exchange?, format?, event: { type, source?, subject?, data } }</c>: publishes a message, by
/// default as a CloudEvent (structured JSON). The result is the event as sent, with its generated <c>id</c>.
/// </summary>
public sealed class EmitTask : TaskDefinition
{
    /// <summary>The queue (or, with <see cref="Exchange"/>, the routing key) to publish to.</summary>
    public required string To { get; init; }

    /// <summary>Where <see cref="To"/> is written.</summary>
    public SourceLocation ToLocation { get; init; }

    /// <summary>The exchange to publish to; null publishes straight to the queue <see cref="To"/>.</summary>
    public string? Exchange { get; init; }

    /// <summary>How the message body is written.</summary>
    public EmitFormat Format { get; init; } = EmitFormat.CloudEvents;

    /// <summary>The event's fields: <c>type</c> (required), <c>source</c>, <c>subject</c>, <c>data</c>; templates.</summary>
    public required Expressions.ValueTemplate Event { get; init; }

    /// <inheritdoc />
    public override string Kind => "emit";
}
