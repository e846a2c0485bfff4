using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Wire;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Publishing;

/// <summary>
/// Publishes messages to trigger queues the way any outside publisher would: persistent, to the default exchange,
/// each confirmed by the broker. <c>orchestrator publish</c> and the tests use it.
/// </summary>
public sealed class RabbitMqPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly ConfirmingChannel _channel;
    private readonly TimeProvider _time;

    private RabbitMqPublisher(IConnection connection, ConfirmingChannel channel, TimeProvider time)
    {
        _connection = connection;
        _channel = channel;
        _time = time;
    }

    /// <summary>Connects to the broker at <paramref name="address"/>.</summary>
    public static async Task<RabbitMqPublisher> ConnectAsync(Uri address, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var connection = await Connector.ConnectAsync(address, $"orchestrator-publish {Environment.MachineName}:{Environment.ProcessId}", cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await ConfirmingChannel.OpenAsync(connection, 4096, cancellationToken).ConfigureAwait(false);
            return new RabbitMqPublisher(connection, channel, time ?? TimeProvider.System);
        }
        catch
        {
            await Quietly.CloseAsync(connection, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Publishes <paramref name="body"/> as a raw JSON message.</summary>
    /// <param name="queue">The queue (declared durable when it does not exist, so the message waits for its engine).</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="messageId">The AMQP message-id (the default correlation of a trigger); default a new id.</param>
    /// <param name="cancellationToken">Stops waiting for the confirm.</param>
    /// <returns>The message id.</returns>
    public async Task<string> PublishJsonAsync(string queue, JsonNode? body, string? messageId = null, CancellationToken cancellationToken = default)
    {
        messageId ??= Guid.NewGuid().ToString("N");
        var bytes = Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "null");
        await PublishAsync(queue, bytes, MessageTypes.Json, null, messageId, cancellationToken).ConfigureAwait(false);
        return messageId;
    }

    /// <summary>Publishes <paramref name="data"/> as a CloudEvent (spec 1.0, <c>datacontenttype: application/json</c>).</summary>
    /// <returns>The event's id.</returns>
    public async Task<string> PublishCloudEventAsync(string queue, CloudEventMode mode, string type, string source, JsonNode? data, string? id = null, CancellationToken cancellationToken = default)
    {
        id ??= Guid.NewGuid().ToString("N");
        var time = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        if (mode == CloudEventMode.Structured)
        {
            var envelope = new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = id,
                ["source"] = source,
                ["type"] = type,
                ["time"] = time,
                ["datacontenttype"] = MessageTypes.Json,
                ["data"] = data?.DeepClone(),
            };
            await PublishAsync(queue, Encoding.UTF8.GetBytes(envelope.ToJsonString()), "application/cloudevents+json; charset=utf-8", null, null, cancellationToken).ConfigureAwait(false);
            return id;
        }

        var headers = new Dictionary<string, object?>
        {
            ["ce-specversion"] = "1.0",
            ["ce-id"] = id,
            ["ce-source"] = source,
            ["ce-type"] = type,
            ["ce-time"] = time,
        };
        await PublishAsync(queue, Encoding.UTF8.GetBytes(data?.ToJsonString() ?? "null"), MessageTypes.Json, headers, null, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Publishes any body with any properties: for messages no well-behaved publisher would send.</summary>
    public async Task PublishAsync(string queue, ReadOnlyMemory<byte> body, string? contentType, IDictionary<string, object?>? headers, string? messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        await _channel.Queues.EnsureAsync(queue, cancellationToken).ConfigureAwait(false);
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = contentType,
            MessageId = messageId,
            Headers = headers,
            Timestamp = new AmqpTimestamp(_time.GetUtcNow().ToUnixTimeSeconds()),
        };
        await _channel.PublishAsync(string.Empty, queue, properties, body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync().ConfigureAwait(false);
        await Quietly.CloseAsync(_connection, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}
