using Orchestrator.Core.Definitions;
using Orchestrator.Transport.RabbitMq.Triggers;

namespace Orchestrator.Transport.RabbitMq;

/// <summary>Settings of the RabbitMQ transport.</summary>
public sealed record RabbitMqOptions
{
    /// <summary>The broker, e.g. <c>amqp://user:pass@host:5672/vhost</c> (see <see cref="RabbitMqAddress"/>).</summary>
    public required Uri Address { get; init; }

    /// <summary>Prefix of every queue and exchange the transport names itself. Default <c>orchestrator</c>.</summary>
    public string Prefix { get; init; } = "orchestrator";

    /// <summary>How replies come back. Default <see cref="RabbitMqReplyPath.DirectReplyTo"/>.</summary>
    public RabbitMqReplyPath ReplyPath { get; init; } = RabbitMqReplyPath.DirectReplyTo;

    /// <summary>
    /// Invocations of one function a worker runs at once (its consumer prefetch) when
    /// <see cref="FunctionConcurrency"/> does not say. Default 64: in-process C# functions are cheap to overlap.
    /// </summary>
    public int DefaultConcurrency { get; init; } = 64;

    /// <summary>A function's concurrency by name, e.g. its manifest's <c>scale.max</c>; null falls back to <see cref="DefaultConcurrency"/>.</summary>
    public Func<string, int?>? FunctionConcurrency { get; init; }

    /// <summary>
    /// Publishes awaiting the broker's confirmation at once on one channel. Default 4096. (The client's own default
    /// of 128, throttled from 64, would cap dispatch at a few thousand messages a second.)
    /// </summary>
    public int MaxOutstandingConfirms { get; init; } = 4096;

    /// <summary>
    /// How long stopping waits for in-flight work (invocations, run starts, messages being stored, runs) before it gives
    /// up on it: unfinished invocations go back to their queue, unfinished runs are suspended (they stay running in the
    /// store and the next engine resumes them). Runs waiting in a listen, a wait or a retry delay are suspended at once,
    /// without waiting. Default 30 seconds.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Options of each queue trigger; null uses <see cref="QueueTriggerOptions.Default"/> for all.</summary>
    public Func<WorkflowDefinition, TriggerDefinition, QueueTriggerOptions>? TriggerOptions { get; init; }

    /// <summary>Where the transport writes its log lines (<c>time event key=value…</c>); null for none.</summary>
    public TextWriter? Log { get; init; }
}
