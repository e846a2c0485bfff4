using Orchestrator.Core.Events;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Consuming;
using Orchestrator.Transport.RabbitMq.Lifetime;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Events;

/// <summary>
/// The engine's listen channels: one consumer per channel some <c>listen</c> step of the loaded workflows waits on
/// (a durable queue of that name), feeding the engine's <see cref="EventHub"/>. On a connection of its own, so that a
/// flood of messages never slows replies.
/// </summary>
internal sealed class ListenChannelHost(IConnection connection, EventHub hub, IReadOnlyList<string> channels, RabbitMqOptions options, TransportLog log, TimeProvider time)
    : QueueConsumerHost<ListenConsumer>(connection, options, log, time)
{
    private readonly CancellationTokenSource _abandoning = new();

    /// <summary>Counters per listen channel.</summary>
    public IReadOnlyDictionary<string, ListenStatistics> Statistics => Consumers.ToDictionary(c => c.Queue, c => c.Statistics, StringComparer.Ordinal);

    protected override IEnumerable<ListenConsumer> CreateConsumers(DeadLetters deadLetters) =>
        channels.Select(channel => new ListenConsumer(channel, hub, deadLetters, Log, Time, Stopping, _abandoning.Token));

    /// <summary>
    /// Waits, until <paramref name="deadline"/>, for the messages being stored to be stored and acknowledged; those
    /// still going then give up and go back to their queue. Messages waiting out a store failure went back already, when
    /// <see cref="QueueConsumerHost{TConsumer}.Stopping"/> was cancelled.
    /// </summary>
    protected override async Task DrainAsync(DateTimeOffset deadline)
    {
        foreach (var consumer in Consumers)
        {
            if (!await consumer.Pending.WaitIdleAsync(Time.Remaining(deadline), Time).ConfigureAwait(false))
            {
                Log.Write("listen.drain-timeout", $"queue={consumer.Queue} pending={consumer.Pending.Count} (returned to the queue)");
            }
        }

        await _abandoning.CancelAsync().ConfigureAwait(false);
        foreach (var consumer in Consumers)
        {
            await consumer.Pending.WaitIdleAsync(TimeSpan.FromSeconds(5), Time).ConfigureAwait(false);
        }
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        _abandoning.Dispose();
    }
}
