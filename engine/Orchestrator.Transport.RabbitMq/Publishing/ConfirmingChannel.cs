using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Topology;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Publishing;

/// <summary>
/// Publishing with confirms for messages that leave for queues the transport does not own (trigger queues, emitted
/// events): one confirming channel, durable queues declared once each, exchanges checked once each. Shared by
/// <see cref="RabbitMqPublisher"/> and <see cref="Events.RabbitMqEventPublisher"/>.
/// </summary>
/// <remarks>
/// A publish to an exchange that does not exist makes the broker close the channel; the next publish opens a new one,
/// so one bad message never leaves a dead publisher behind.
/// </remarks>
internal sealed class ConfirmingChannel : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly int _maxOutstandingConfirms;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IChannel _channel;

    private ConfirmingChannel(IConnection connection, IChannel channel, int maxOutstandingConfirms)
    {
        _connection = connection;
        _channel = channel;
        _maxOutstandingConfirms = maxOutstandingConfirms;
        Queues = new DeclaredOnce(queue => Declare.QueueAsync(connection, queue, null, CancellationToken.None));
        Exchanges = new DeclaredOnce(CheckExchangeAsync);
    }

    /// <summary>
    /// Queues declared durable when missing (so a message waits for its consumer), once each; one declared otherwise
    /// by its owner (a quorum queue, a TTL) is used as it is.
    /// </summary>
    public DeclaredOnce Queues { get; }

    /// <summary>Exchanges known to exist; a missing one fails with <see cref="InvalidOperationException"/> (and is asked about again next time).</summary>
    public DeclaredOnce Exchanges { get; }

    public static async Task<ConfirmingChannel> OpenAsync(IConnection connection, int maxOutstandingConfirms, CancellationToken cancellationToken)
    {
        var channel = await Connector.OpenConfirmingChannelAsync(connection, maxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
        return new ConfirmingChannel(connection, channel, maxOutstandingConfirms);
    }

    /// <summary>
    /// Publishes a message (mandatory: an unroutable one comes back) and completes when the broker confirmed it.
    /// </summary>
    /// <exception cref="RabbitMQ.Client.Exceptions.PublishException">Refused (nack) or returned unroutable (<c>IsReturn</c>).</exception>
    /// <exception cref="RabbitMQ.Client.Exceptions.AlreadyClosedException">The connection or the channel is down.</exception>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var channel = await OpenChannelAsync(cancellationToken).ConfigureAwait(false);
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Quietly.CloseAsync(_channel).ConfigureAwait(false);
        _opening.Dispose();
    }

    private async ValueTask<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        var channel = _channel;
        if (channel.IsOpen || !_connection.IsOpen)
        {
            // Open, or the whole connection is down (recovering): a publish then fails as the broker being away.
            return channel;
        }

        // The broker closed this channel (a publish to a missing exchange): open another.
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_channel.IsOpen && _connection.IsOpen)
            {
                var closed = _channel;
                _channel = await Connector.OpenConfirmingChannelAsync(_connection, _maxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
                await Quietly.CloseAsync(closed).ConfigureAwait(false);
            }

            return _channel;
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task CheckExchangeAsync(string exchange)
    {
        if (!await Declare.ExchangeExistsAsync(_connection, exchange, CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"exchange '{exchange}' does not exist on the broker: declare it (and bind a queue to it) first");
        }
    }
}
