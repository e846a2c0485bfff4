namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>How a queue trigger consumes its queue.</summary>
public sealed record QueueTriggerOptions
{
    /// <summary>The defaults: prefetch 64, concurrency 32, correlation by event or message id.</summary>
    public static QueueTriggerOptions Default { get; } = new();

    /// <summary>Messages the broker hands this engine before it acknowledged earlier ones. Default 64; 1 to 65535.</summary>
    public int Prefetch { get; init; } = 64;

    /// <summary>Runs of this trigger going on at once in this engine; further messages wait in the queue. Default 32.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>
    /// A Scriban expression whose value identifies a message, e.g. <c>{{ input.orderId }}</c>; in scope are
    /// <c>input</c> (the run input), <c>message</c> (<c>id</c>, <c>queue</c>, <c>redelivered</c>, <c>headers</c>) and
    /// <c>event</c> (the CloudEvent's attributes, or null). A message whose value already started a run is acknowledged
    /// without starting another, also after a redelivery to another engine: the run's id is derived from the value.
    /// Default (null): a CloudEvent's <c>source</c> and <c>id</c>, else the AMQP <c>message-id</c>, else no deduplication.
    /// An empty value turns deduplication off for that message.
    /// </summary>
    public string? Correlation { get; init; }
}
