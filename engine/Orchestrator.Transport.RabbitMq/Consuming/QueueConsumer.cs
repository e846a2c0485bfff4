using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Consuming;

/// <summary>
/// What the engine's consumers of a queue (a queue trigger, a listen channel) share: the queue and its <c>QUEUE.dead</c>
/// declared, one channel of their own consumed with manual acknowledgements, each message settled once handled, and a
/// message refused set aside with its reason. A subclass says what a message becomes (<see cref="OnMessageAsync"/>).
/// Logs <c>TOPIC.dead-lettered</c>, <c>TOPIC.dead-letter-failed</c> and <c>TOPIC.settle-lost</c>, TOPIC being the
/// subclass's <c>logTopic</c> (<c>trigger</c>, <c>listen</c>).
/// </summary>
internal abstract class QueueConsumer(string queue, string logTopic, DeadLetters deadLetters, TransportLog log) : IAsyncDisposable
{
    private IChannel? _channel;
    private string? _consumerTag;

    public string Queue => queue;

    /// <summary>Messages being handled or set aside (not yet settled with the broker).</summary>
    public InFlight Pending { get; } = new();

    protected TransportLog Log => log;

    /// <summary>Declares the queue and starts consuming it (see <see cref="ConsumeAsync"/>).</summary>
    public abstract Task StartAsync(IConnection connection, CancellationToken cancellationToken);

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
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the consuming channel; a subclass that holds more releases it after.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_channel is not null)
        {
            await Quietly.CloseAsync(_channel).ConfigureAwait(false);
        }
    }

    /// <summary>Declares the queue and its dead-letter queue, and consumes it with at most <paramref name="prefetch"/> messages unacknowledged.</summary>
    protected async Task ConsumeAsync(IConnection connection, ushort prefetch, CancellationToken cancellationToken)
    {
        // A queue some publisher already declared otherwise (a quorum queue, a TTL) is used as it is: it is theirs to shape.
        await Declare.QueueAsync(connection, queue, null, cancellationToken).ConfigureAwait(false);
        await deadLetters.DeclareAsync(queue, cancellationToken).ConfigureAwait(false);
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivery) => OnMessageAsync(delivery);
        _consumerTag = await _channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One delivery, to be settled later with <see cref="SettleAsync"/> or <see cref="DeadLetterAsync"/>.</summary>
    protected abstract Task OnMessageAsync(BasicDeliverEventArgs delivery);

    /// <summary>Counts a message set aside in <c>QUEUE.dead</c>.</summary>
    protected abstract void OnDeadLettered();

    /// <summary>
    /// Moves a refused message to <c>QUEUE.dead</c> with <paramref name="reason"/>, then acknowledges it; returns it to
    /// the queue if it could not be set aside. Its caller entered <see cref="Pending"/>; this exits it.
    /// </summary>
    /// <param name="tag">Its delivery tag.</param>
    /// <param name="properties">Its properties, kept.</param>
    /// <param name="body">A copy of its body, kept.</param>
    /// <param name="reason">Why it was refused.</param>
    /// <param name="workflow">The workflow whose trigger refused it; null for a listen channel.</param>
    protected async Task DeadLetterAsync(ulong tag, IReadOnlyBasicProperties properties, byte[] body, string reason, string? workflow)
    {
        try
        {
            await deadLetters.PublishAsync(queue, workflow, properties, body, reason, CancellationToken.None).ConfigureAwait(false);
            OnDeadLettered();
            log.Write($"{logTopic}.dead-lettered", $"queue={queue} reason=\"{reason}\"");
            await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PublishException || Quietly.IsGone(ex))
        {
            // Not set aside: back to the queue, to be tried again, rather than lost.
            log.Write($"{logTopic}.dead-letter-failed", $"queue={queue} reason=\"{ex.Message}\"");
            await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
        }
        finally
        {
            Pending.Exit();
        }
    }

    /// <summary>Acknowledges the message, or returns it to the queue.</summary>
    protected async Task SettleAsync(ulong tag, bool acknowledge)
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
            // The channel is gone: the broker requeues the message by itself. A trigger message's correlation then finds
            // the run it started; a listen message already stored may arrive twice.
            log.Write($"{logTopic}.settle-lost", $"queue={queue} reason=\"{ex.Message}\"");
        }
    }
}
