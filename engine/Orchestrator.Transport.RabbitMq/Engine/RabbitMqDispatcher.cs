using System.Globalization;
using Orchestrator.Contracts;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Topology;
using Orchestrator.Transport.RabbitMq.Wire;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>
/// The engine's side of the distributed transport: each <see cref="InvokeFunction"/> becomes a persistent message on
/// the function's durable queue, published with confirms; replies come back on the reply path and go to the
/// <see cref="IInvocationReplies"/> (the engine's <c>InvocationBroker</c>); cancellations and prewarm hints go out on the
/// control exchange.
/// </summary>
/// <remarks>
/// <see cref="DispatchAsync"/> returns once the broker confirmed the message, so a step never waits for a reply to
/// an invocation the broker does not have. Confirms of concurrent dispatches share round trips (the broker confirms
/// in batches), so throughput is not one round trip per step. A refused or unroutable publish, or a broken connection,
/// answers the invocation with a retryable <c>transport</c> failure instead of leaving the step waiting.
/// </remarks>
internal sealed class RabbitMqDispatcher : IFunctionDispatcher, IAsyncDisposable
{
    private const string DirectReplyTo = "amq.rabbitmq.reply-to";

    /// <summary>At most one <see cref="PrewarmFunction"/> per function per this interval from one engine.</summary>
    internal static readonly TimeSpan PrewarmInterval = TimeSpan.FromSeconds(1);

    private readonly IChannel _channel;
    private readonly IChannel _hints;
    private readonly PrewarmThrottle _prewarms;
    private readonly QueueNames _names;
    private readonly RabbitMqOptions _options;
    private readonly TransportLog _log;
    private readonly TimeProvider _time;
    private readonly FunctionQueues _queues;
    private IChannel? _replyChannel;
    private AwaitedReplies? _replies;
    private string? _replyTo;

    private RabbitMqDispatcher(IConnection connection, IChannel channel, IChannel hints, RabbitMqOptions options, TransportLog log, TimeProvider time)
    {
        _channel = channel;
        _hints = hints;
        _prewarms = new PrewarmThrottle(time, PrewarmInterval);
        _names = new QueueNames(options.Prefix);
        _options = options;
        _log = log;
        _time = time;
        _queues = new FunctionQueues(connection, _names);
    }

    /// <summary>The engine's id on the broker: names its reply queue and its connection.</summary>
    public string EngineId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Opens the publishing channel on <paramref name="connection"/>; call <see cref="StartAsync"/> before dispatching.</summary>
    public static async Task<RabbitMqDispatcher> OpenAsync(IConnection connection, RabbitMqOptions options, TransportLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var channel = await Connector.OpenConfirmingChannelAsync(connection, options.MaxOutstandingConfirms, cancellationToken).ConfigureAwait(false);

        // Prewarm hints go on a channel without confirms: best effort, they must not wait for (or count against) the
        // confirms of invocations.
        var hints = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var dispatcher = new RabbitMqDispatcher(connection, channel, hints, options, log, time);
        channel.ChannelShutdownAsync += (_, reason) =>
        {
            // Closed by the broker (not by stopping): every dispatch now fails as a retryable transport error until
            // the connection recovers, so say why once.
            if (reason.Initiator != ShutdownInitiator.Application)
            {
                log.Write("engine.channel-closed", $"code={reason.ReplyCode} reason=\"{reason.ReplyText}\"");
            }

            return Task.CompletedTask;
        };
        await Declare.ControlExchangeAsync(channel, dispatcher._names, cancellationToken).ConfigureAwait(false);
        return dispatcher;
    }

    /// <summary>Starts receiving replies into <paramref name="replies"/>.</summary>
    public async Task StartAsync(IConnection connection, IInvocationReplies replies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var awaited = new AwaitedReplies(replies);
        _replies = awaited;
        if (_options.ReplyPath == RabbitMqReplyPath.DirectReplyTo)
        {
            // Direct reply-to only answers on the channel that published the request, so replies arrive on _channel.
            // They are delivered without acknowledgement: there is no queue to return them to.
            var consumer = new AsyncEventingBasicConsumer(_channel);
            consumer.ReceivedAsync += (_, delivery) => ReplyReader.DeliverAsync(awaited, delivery.BasicProperties.Type, delivery.Body.Span, _log, delivery.CancellationToken).AsTask();
            await _channel.BasicConsumeAsync(DirectReplyTo, autoAck: true, consumerTag: "", noLocal: false, exclusive: false, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
            connection.ConnectionShutdownAsync += async (_, reason) =>
            {
                var failed = await awaited.FailAllAsync($"the connection to the broker dropped before the reply arrived ({reason.ReplyText})").ConfigureAwait(false);
                if (failed > 0)
                {
                    _log.Write("engine.replies-lost", $"invocations={failed} reason=\"{reason.ReplyText}\"");
                }
            };
            _replyTo = DirectReplyTo;
            return;
        }

        var queue = _names.Replies(EngineId);
        _replyChannel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?> { ["x-expires"] = (int)TimeSpan.FromHours(1).TotalMilliseconds };
        await _replyChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _replyChannel.BasicQosAsync(0, 1000, global: false, cancellationToken).ConfigureAwait(false);
        var queueConsumer = new AsyncEventingBasicConsumer(_replyChannel);
        queueConsumer.ReceivedAsync += async (_, delivery) =>
        {
            await ReplyReader.DeliverAsync(awaited, delivery.BasicProperties.Type, delivery.Body.Span, _log, delivery.CancellationToken).ConfigureAwait(false);
            await _replyChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false, delivery.CancellationToken).ConfigureAwait(false);
        };
        await _replyChannel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: true, arguments: null, queueConsumer, cancellationToken).ConfigureAwait(false);
        _replyTo = queue;
    }

    /// <inheritdoc />
    public async ValueTask DispatchAsync(InvokeFunction command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var replies = _replies ?? throw new InvalidOperationException("the dispatcher was not started");
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = MessageTypes.Json,
            Type = MessageTypes.InvokeFunction,
            MessageId = command.InvocationId,
            CorrelationId = command.InvocationId,
            ReplyTo = _replyTo,
            Timestamp = new AmqpTimestamp(_time.GetUtcNow().ToUnixTimeSeconds()),
        };
        if (command.Deadline is { } deadline)
        {
            // Past its deadline nobody waits for the invocation: the broker drops it instead of a worker running it.
            var left = Math.Max(1, (long)Math.Ceiling((deadline - _time.GetUtcNow()).TotalMilliseconds));
            properties.Expiration = left.ToString(CultureInfo.InvariantCulture);
        }

        replies.Expect(command);
        try
        {
            await _queues.EnsureAsync(command.Function, cancellationToken).ConfigureAwait(false);
            await _channel.BasicPublishAsync(string.Empty, _names.Function(command.Function), mandatory: true, properties, WireJson.Serialize(command), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PublishException or AlreadyClosedException or OperationInterruptedException)
        {
            var reason = ex is PublishException { IsReturn: true }
                ? $"the broker could not route the invocation to queue {_names.Function(command.Function)}"
                : $"the broker did not take the invocation: {ex.Message}";
            _log.Write("engine.dispatch-failed", $"invocation={command.InvocationId} function={command.Function} reason=\"{reason}\"");
            var error = new ErrorInfo(TransportErrors.Unavailable, reason, null, Retryable: true);
            await replies.FailedAsync(new FunctionFailed(command.InvocationId, command.RunId, error, InvocationMetrics.None), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CancelAsync(CancelInvocation command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        _replies?.Forget(command.InvocationId);
        var properties = new BasicProperties { ContentType = MessageTypes.Json, Type = MessageTypes.CancelInvocation, CorrelationId = command.InvocationId };
        try
        {
            await _channel.BasicPublishAsync(_names.Control, string.Empty, mandatory: false, properties, WireJson.Serialize(command), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PublishException or AlreadyClosedException or OperationInterruptedException)
        {
            // Best effort: the worker's own deadline still stops the function, and its late reply is ignored.
            _log.Write("engine.cancel-failed", $"invocation={command.InvocationId} reason=\"{ex.Message}\"");
        }
    }

    /// <summary>
    /// Tells every worker that <paramref name="function"/> is about to be invoked (a queue trigger is starting a run
    /// whose first step calls it), so a worker hosting it out of process can start an instance now. At most one per
    /// function per <see cref="PrewarmInterval"/> from this engine; transient and unconfirmed; never waits for the
    /// broker and never throws: a lost hint only costs the cold start it would have saved.
    /// </summary>
    public void Prewarm(string function)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        if (_prewarms.TryTake(function))
        {
            _ = PublishPrewarmAsync(function);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_replyChannel is not null)
        {
            // A cleanly stopped engine waits for no reply any more: its reply queue goes with it (the broker's
            // x-expires only covers an engine that died).
            try
            {
                await _replyChannel.QueueDeleteAsync(_names.Replies(EngineId), ifUnused: false, ifEmpty: false).ConfigureAwait(false);
            }
            catch (Exception ex) when (Quietly.IsGone(ex))
            {
                // The connection is gone: the queue expires by itself.
            }

            await Quietly.CloseAsync(_replyChannel).ConfigureAwait(false);
        }

        await Quietly.CloseAsync(_hints).ConfigureAwait(false);
        await Quietly.CloseAsync(_channel).ConfigureAwait(false);
    }

    private async Task PublishPrewarmAsync(string function)
    {
        var properties = new BasicProperties { ContentType = MessageTypes.Json, Type = MessageTypes.PrewarmFunction };
        try
        {
            await _hints.BasicPublishAsync(_names.Control, string.Empty, mandatory: false, properties, WireJson.Serialize(new PrewarmFunction(function))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PublishException or AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            _log.Write("engine.prewarm-failed", $"function={function} reason=\"{ex.Message}\"");
        }
    }
}
