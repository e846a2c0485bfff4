using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Topology;
using Orchestrator.Transport.RabbitMq.Triggers;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Events;

/// <summary>
/// Consumes one listen channel: each message is read into an event object and stored in the engine's inbox
/// (<see cref="EventHub.DeliverAsync"/>), which hands it to a waiting <c>listen</c> or keeps it for a later one; it is
/// acknowledged only once it is stored, so a crash loses nothing. A message that is not JSON or not a valid CloudEvent
/// goes to <c>CHANNEL.dead</c> with its reason; one the store cannot take goes back to the queue after a pause.
/// </summary>
internal sealed class ListenConsumer(
    string queue,
    EventHub hub,
    DeadLetters deadLetters,
    TransportLog log,
    TimeProvider time,
    CancellationToken stopping,
    CancellationToken abandoning) : IAsyncDisposable
{
    /// <summary>How long a message the store refused stays unacknowledged before it goes back to the queue.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private IChannel? _channel;
    private string? _consumerTag;

    public string Queue => queue;

    public ListenStatistics Statistics { get; } = new();

    /// <summary>Messages being stored or set aside (not yet settled with the broker).</summary>
    public InFlight Pending { get; } = new();

    public async Task StartAsync(IConnection connection, ushort prefetch, CancellationToken cancellationToken)
    {
        // A queue some publisher already declared otherwise (a quorum queue, a TTL) is used as it is.
        await Declare.QueueAsync(connection, queue, null, cancellationToken).ConfigureAwait(false);
        await deadLetters.DeclareAsync(queue, cancellationToken).ConfigureAwait(false);
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnMessageAsync;
        _consumerTag = await _channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
        log.Write("listen.consuming", $"queue={queue} prefetch={prefetch}");
    }

    public async Task StopConsumingAsync()
    {
        if (_channel is null || _consumerTag is null)
        {
            return;
        }

        try
        {
            await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
        }
        catch (Exception ex) when (Quietly.IsGone(ex))
        {
            // Gone with its channel: nothing more will be delivered either way.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await Quietly.CloseAsync(_channel).ConfigureAwait(false);
        }
    }

    private Task OnMessageAsync(object sender, BasicDeliverEventArgs delivery)
    {
        Statistics.OnReceived();

        // The body's memory belongs to the client only until this handler returns.
        var body = delivery.Body.ToArray();
        var properties = delivery.BasicProperties;
        var tag = delivery.DeliveryTag;
        JsonObject? message;
        string? problem;
        try
        {
            message = ListenMessages.TryRead(body, properties, out problem);
        }
#pragma warning disable CA1031 // A message the parser chokes on in a way it does not foresee is still set aside, not left unacknowledged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            (message, problem) = (null, $"unreadable message: {ex.Message}");
        }

        Pending.Enter();

        // Not awaited: the next delivery need not wait for this one's commit (stores commit many at once). Each store
        // write begins here, in delivery order, so the inbox keeps the channel's order.
        _ = message is null
            ? DeadLetterAsync(tag, properties, body, problem ?? "unreadable message")
            : StoreAsync(message, tag);
        return Task.CompletedTask;
    }

    private async Task StoreAsync(JsonObject message, ulong tag)
    {
        try
        {
            await hub.DeliverAsync(queue, message, abandoning).ConfigureAwait(false);
            Statistics.OnStored();
            await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stopped the store (a full disk, a lost database), the message goes back to the queue rather than being lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Statistics.OnStoreFailed();
            log.Write("listen.store-failed", $"queue={queue} reason=\"{ex.Message}\"");

            // A pause before it comes back, so that a store that stays down is not hammered by redeliveries.
            try
            {
                await Task.Delay(RetryDelay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: back to the queue at once.
            }

            await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
        }
        finally
        {
            Pending.Exit();
        }
    }

    private async Task DeadLetterAsync(ulong tag, IReadOnlyBasicProperties properties, byte[] body, string reason)
    {
        try
        {
            await deadLetters.PublishAsync(queue, null, properties, body, reason, CancellationToken.None).ConfigureAwait(false);
            Statistics.OnDeadLettered();
            log.Write("listen.dead-lettered", $"queue={queue} reason=\"{reason}\"");
            await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PublishException || Quietly.IsGone(ex))
        {
            // Not set aside: back to the queue, to be tried again, rather than lost.
            log.Write("listen.dead-letter-failed", $"queue={queue} reason=\"{ex.Message}\"");
            await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
        }
        finally
        {
            Pending.Exit();
        }
    }

    private async Task SettleAsync(ulong tag, bool acknowledge)
    {
        try
        {
            if (acknowledge)
            {
                await _channel!.BasicAckAsync(tag, multiple: false).ConfigureAwait(false);
            }
            else
            {
                await _channel!.BasicNackAsync(tag, multiple: false, requeue: true).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Quietly.IsGone(ex))
        {
            // The channel is gone: the broker requeues the message by itself (a stored one may then arrive twice).
            log.Write("listen.settle-lost", $"queue={queue} reason=\"{ex.Message}\"");
        }
    }
}
