namespace Orchestrator.Transport.RabbitMq;

/// <summary>How replies travel from workers back to the engine that dispatched the invocation.</summary>
public enum RabbitMqReplyPath
{
    /// <summary>
    /// RabbitMQ's direct reply-to (<c>amq.rabbitmq.reply-to</c>): replies go straight to the engine's channel, with no
    /// queue and no disk. The default: an engine's pending invocations live in its memory, so a reply that outlived its
    /// engine would have no one to resume anyway, and this path measured fastest.
    /// </summary>
    DirectReplyTo,

    /// <summary>
    /// A durable reply queue per engine (<c>PREFIX.replies.ENGINE-ID</c>, deleted by the broker an hour after its engine
    /// is gone), persistent replies, acknowledged after the engine took them.
    /// </summary>
    Queue,
}
