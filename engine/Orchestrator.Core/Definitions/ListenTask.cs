using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary>
/// <c>listen: { to: CHANNEL, type?, correlate? }</c>: waits, durably and without holding a thread, for a message on a
/// channel (a RabbitMQ queue the engine consumes, or what <c>emit</c> sends in embedded mode). The result is the
/// message as an event object: <c>{ id, type, source, subject, time, datacontenttype, data }</c>.
/// </summary>
public sealed class ListenTask : TaskDefinition
{
    /// <summary>The channel (queue name) to listen on.</summary>
    public required string Channel { get; init; }

    /// <summary>Where the channel's name is written, for errors about it.</summary>
    public SourceLocation ChannelLocation { get; init; }

    /// <summary>When set, only messages whose CloudEvents <c>type</c> equals it match.</summary>
    public string? EventType { get; init; }

    /// <summary><c>correlate.key</c>: read from each message (with <c>message</c> in scope); null matches any message.</summary>
    public CompiledExpression? CorrelationKey { get; init; }

    /// <summary><c>correlate.equals</c>: this run's value, evaluated once when the listen starts.</summary>
    public ValueTemplate? CorrelationValue { get; init; }

    /// <inheritdoc />
    public override string Kind => "listen";
}
