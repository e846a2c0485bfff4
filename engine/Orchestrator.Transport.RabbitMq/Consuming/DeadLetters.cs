using System.Globalization;
using Orchestrator.Transport.RabbitMq.Topology;
using Orchestrator.Transport.RabbitMq.Wire;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Consuming;

/// <summary>
/// Moves a refused trigger or listen-channel message to <c>QUEUE.dead</c>, unchanged but for headers that say why. Published by the
/// engine rather than through a broker dead-letter exchange: a broker-side dead-lettering only records "rejected",
/// while an operator needs the reason (which field failed the schema, where the JSON broke).
/// </summary>
internal sealed class DeadLetters(IConnection connection, IChannel publisher, TimeProvider time)
{
    public Task DeclareAsync(string queue, CancellationToken cancellationToken) =>
        Declare.QueueAsync(connection, QueueNames.DeadLetters(queue), null, cancellationToken);

    /// <summary>Publishes the message to the dead-letter queue and waits for the broker's confirm.</summary>
    /// <param name="queue">The queue it was taken from.</param>
    /// <param name="workflow">The workflow whose trigger refused it; null for a listen channel (many workflows may listen on one).</param>
    /// <param name="original">Its properties, kept.</param>
    /// <param name="body">Its body, kept.</param>
    /// <param name="reason">Why it was refused.</param>
    /// <param name="cancellationToken">Stops waiting for the confirm.</param>
    public async Task PublishAsync(string queue, string? workflow, IReadOnlyBasicProperties original, ReadOnlyMemory<byte> body, string reason, CancellationToken cancellationToken)
    {
        var properties = SetAside(original, reason, queue, workflow, time);
        await publisher.BasicPublishAsync(string.Empty, QueueNames.DeadLetters(queue), mandatory: true, properties, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The properties of a message set aside (in a dead-letter or a function's error queue): its own, persistent, with
    /// headers that say why, from where, and when.
    /// </summary>
    public static BasicProperties SetAside(IReadOnlyBasicProperties original, string reason, string sourceQueue, string? workflow, TimeProvider time)
    {
        var headers = original.Headers is { } kept ? new Dictionary<string, object?>(kept) : [];
        headers[WireHeaders.Reason] = reason;
        headers[WireHeaders.SourceQueue] = sourceQueue;
        if (workflow is not null)
        {
            headers[WireHeaders.Workflow] = workflow;
        }

        headers[WireHeaders.SetAsideAt] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        return new BasicProperties(original) { Persistent = true, Headers = headers };
    }
}
