using System.Text;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Publishing;
using Orchestrator.Transport.RabbitMq.Wire;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Events;

/// <summary>
/// What <c>emit</c> steps publish in the distributed deployment: persistent messages, each confirmed by the broker
/// before the step goes on. Without an exchange the message goes to the queue <c>to</c> through the default exchange
/// (the queue is declared durable when missing, so the message waits for its consumer); with an exchange, <c>to</c> is
/// the routing key, and a message no queue is bound to receive fails the step instead of vanishing.
/// </summary>
/// <remarks>
/// <para>
/// Bodies: <see cref="EmitFormat.CloudEvents"/> publishes a structured-mode CloudEvent (the whole event as JSON,
/// content type <c>application/cloudevents+json</c>); <see cref="EmitFormat.Json"/> publishes the event's <c>data</c>
/// alone (content type <c>application/json</c>) with its type in the header <c>x-event-type</c>. Either way the AMQP
/// <c>message-id</c> is the event's id.
/// </para>
/// <para>Every failure throws an <see cref="InvalidOperationException"/> whose message says what the broker did.</para>
/// </remarks>
public sealed class RabbitMqEventPublisher : IEventPublisher, IAsyncDisposable
{
    /// <summary>The content type of a structured-mode CloudEvent.</summary>
    public const string CloudEventsContentType = "application/cloudevents+json";

    /// <summary>The header that carries the event's type on a plain JSON message.</summary>
    public const string EventTypeHeader = "x-event-type";

    private readonly ConfirmingChannel _channel;
    private readonly TransportLog _log;
    private readonly TimeProvider _time;

    private RabbitMqEventPublisher(ConfirmingChannel channel, TransportLog log, TimeProvider time)
    {
        _channel = channel;
        _log = log;
        _time = time;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The broker did not take the event: no queue is bound to the exchange
    /// with that routing key, the exchange does not exist, the broker refused it, or it cannot be reached.</exception>
    public async Task PublishAsync(OutgoingEvent message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.To);
        var (body, properties) = Encode(message);
        try
        {
            if (message.Exchange is { } exchange)
            {
                await PublishToExchangeAsync(exchange, message.To, properties, body, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await PublishToQueueAsync(message.To, properties, body, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException ex)
        {
            _log.Write("event.publish-failed", $"to={message.To} exchange={message.Exchange ?? "(default)"} id={properties.MessageId} reason=\"{ex.Message}\"");
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _channel.DisposeAsync();

    /// <summary>Opens the publisher's confirming channel on <paramref name="connection"/> (the engine's).</summary>
    internal static async Task<RabbitMqEventPublisher> OpenAsync(IConnection connection, RabbitMqOptions options, TransportLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        var channel = await ConfirmingChannel.OpenAsync(connection, options.MaxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
        return new RabbitMqEventPublisher(channel, log, time);
    }

    /// <summary>The message an event becomes: its body and AMQP properties.</summary>
    internal (byte[] Body, BasicProperties Properties) Encode(OutgoingEvent message)
    {
        var id = message.Event["id"]?.ToString();
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = id,
            Timestamp = new AmqpTimestamp(_time.GetUtcNow().ToUnixTimeSeconds()),
        };
        if (message.Format == EmitFormat.Json)
        {
            properties.ContentType = MessageTypes.Json;
            if (message.Event["type"]?.ToString() is { Length: > 0 } type)
            {
                properties.Headers = new Dictionary<string, object?> { [EventTypeHeader] = type };
            }

            return (Encoding.UTF8.GetBytes(message.Event["data"]?.ToJsonString() ?? "null"), properties);
        }

        properties.ContentType = CloudEventsContentType;
        return (Encoding.UTF8.GetBytes(message.Event.ToJsonString()), properties);
    }

    private async Task PublishToQueueAsync(string queue, BasicProperties properties, byte[] body, CancellationToken cancellationToken)
    {
        // Twice at most: a queue deleted on the broker since this process declared it comes back unroutable; it is
        // declared again and the event published once more.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _channel.Queues.EnsureAsync(queue, cancellationToken).ConfigureAwait(false);
                await _channel.PublishAsync(string.Empty, queue, properties, body, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PublishException ex) when (ex.IsReturn)
            {
                _channel.Queues.Forget(queue);
                if (attempt == 2)
                {
                    throw new InvalidOperationException($"the broker could not route the event to queue '{queue}' (the queue was deleted)", ex);
                }
            }
            catch (Exception ex) when (ex is PublishException or OperationInterruptedException or IOException)
            {
                throw Unavailable(ex);
            }
        }
    }

    private async Task PublishToExchangeAsync(string exchange, string routingKey, BasicProperties properties, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            // Checked once: publishing to a missing exchange would make the broker close the publishing channel, and
            // say only "not found" on it.
            await _channel.Exchanges.EnsureAsync(exchange, cancellationToken).ConfigureAwait(false);
            await _channel.PublishAsync(exchange, routingKey, properties, body, cancellationToken).ConfigureAwait(false);
        }
        catch (PublishException ex) when (ex.IsReturn)
        {
            throw new InvalidOperationException($"no queue is bound to exchange '{exchange}' with routing key '{routingKey}': the event reached nobody", ex);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            // Deleted since it was checked: the broker closed the channel (the next publish opens another).
            _channel.Exchanges.Forget(exchange);
            throw new InvalidOperationException($"exchange '{exchange}' does not exist on the broker: declare it (and bind a queue to it) first", ex);
        }
        catch (Exception ex) when (ex is PublishException or OperationInterruptedException or IOException)
        {
            throw Unavailable(ex);
        }
    }

    private static InvalidOperationException Unavailable(Exception ex) => ex switch
    {
        PublishException => new InvalidOperationException("the broker refused the event (negative confirm)", ex),
        OperationInterruptedException { ShutdownReason: { } reason } => new InvalidOperationException($"the broker cannot take the event now: {reason.ReplyText} ({reason.ReplyCode})", ex),
        _ => new InvalidOperationException($"the broker cannot take the event now: {ex.Message}", ex),
    };
}
