using Orchestrator.Core.Events;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Triggers;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Events;

/// <summary>
/// The engine's listen channels: one consumer per channel some <c>listen</c> step of the loaded workflows waits on
/// (a durable queue of that name), feeding the engine's <see cref="EventHub"/>. On a connection of its own, so that a
/// flood of messages never slows replies.
/// </summary>
internal sealed class ListenChannelHost : IAsyncDisposable
{
    /// <summary>
    /// Messages of one channel being stored at once. Storing is cheap (one inbox row, committed with others), so this
    /// only bounds what a burst holds in memory.
    /// </summary>
    private const ushort Prefetch = 64;

    private readonly IConnection _connection;
    private readonly EventHub _hub;
    private readonly IReadOnlyList<string> _channels;
    private readonly RabbitMqOptions _options;
    private readonly TransportLog _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abandoning = new();
    private readonly List<ListenConsumer> _consumers = [];
    private IChannel? _deadLetterChannel;
    private int _stopped;
    private int _disposed;

    public ListenChannelHost(IConnection connection, EventHub hub, IReadOnlyList<string> channels, RabbitMqOptions options, TransportLog log, TimeProvider time)
    {
        _connection = connection;
        _hub = hub;
        _channels = channels;
        _options = options;
        _log = log;
        _time = time;
    }

    /// <summary>Counters per listen channel.</summary>
    public IReadOnlyDictionary<string, ListenStatistics> Statistics => _consumers.ToDictionary(c => c.Queue, c => c.Statistics, StringComparer.Ordinal);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _deadLetterChannel = await Connector.OpenConfirmingChannelAsync(_connection, _options.MaxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
        var deadLetters = new DeadLetters(_connection, _deadLetterChannel, _time);
        foreach (var channel in _channels)
        {
            var consumer = new ListenConsumer(channel, _hub, deadLetters, _log, _time, _stopping.Token, _abandoning.Token);
            _consumers.Add(consumer);
            await consumer.StartAsync(_connection, Prefetch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops consuming and waits, until <paramref name="deadline"/>, for the messages being stored to be stored and
    /// acknowledged; those still going then give up and go back to their queue.
    /// </summary>
    public async Task StopAsync(DateTimeOffset deadline)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        foreach (var consumer in _consumers)
        {
            await consumer.StopConsumingAsync().ConfigureAwait(false);
        }

        // Messages waiting out a store failure go back now.
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            if (!await consumer.Pending.WaitIdleAsync(_time.Remaining(deadline), _time).ConfigureAwait(false))
            {
                _log.Write("listen.drain-timeout", $"queue={consumer.Queue} pending={consumer.Pending.Count} (returned to the queue)");
            }
        }

        await _abandoning.CancelAsync().ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            await consumer.Pending.WaitIdleAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(_time.GetUtcNow() + _options.DrainTimeout).ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        if (_deadLetterChannel is not null)
        {
            await Quietly.CloseAsync(_deadLetterChannel).ConfigureAwait(false);
        }

        _stopping.Dispose();
        _abandoning.Dispose();
    }
}
