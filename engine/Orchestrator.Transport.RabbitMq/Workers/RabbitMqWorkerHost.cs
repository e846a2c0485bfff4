using System.Globalization;
using Orchestrator.Contracts;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Consuming;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Topology;
using Orchestrator.Transport.RabbitMq.Wire;
using Orchestrator.Workers.Hosting;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestrator.Transport.RabbitMq.Workers;

/// <summary>
/// The worker's side of the distributed transport: consumes the queue of every function in its registry (competing
/// with the other workers on the same queues), runs each invocation with <see cref="WorkerHost"/>, publishes the
/// reply and acknowledges the invocation once the reply is confirmed.
/// </summary>
/// <remarks>
/// Each function has its own channel, so its prefetch (its concurrency) bounds only its own invocations.
/// An invocation message that cannot be read goes to the function's error queue with the reason in
/// <c>x-orchestrator-reason</c>: redelivering it would fail the same way forever.
/// </remarks>
internal sealed class RabbitMqWorkerHost : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly FunctionRegistry _registry;
    private readonly WorkerHost _host;
    private readonly RabbitMqOptions _options;
    private readonly QueueNames _names;
    private readonly TransportLog _log;
    private readonly TimeProvider _time;
    private readonly InFlight _inFlight = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly List<(IChannel Channel, string ConsumerTag)> _consumers = [];
    private IChannel? _publisher;
    private IChannel? _control;
    private long _prewarmHints;
    private int _disposed;

    public RabbitMqWorkerHost(IConnection connection, FunctionRegistry registry, RabbitMqOptions options, TransportLog log, TimeProvider time)
    {
        _connection = connection;
        _registry = registry;
        _host = new WorkerHost(registry, time);
        _options = options;
        _names = new QueueNames(options.Prefix);
        _log = log;
        _time = time;
    }

    /// <summary>Invocations being run now.</summary>
    public int Running => _inFlight.Count;

    /// <summary>Prewarm hints received for functions hosted here (whether or not they started an instance).</summary>
    public long PrewarmHints => Interlocked.Read(ref _prewarmHints);

    /// <summary>Declares the queues and starts consuming.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _publisher = await Connector.OpenConfirmingChannelAsync(_connection, _options.MaxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
        await StartControlAsync(cancellationToken).ConfigureAwait(false);
        foreach (var function in _registry.Names.Order(StringComparer.Ordinal))
        {
            await Declare.FunctionQueuesAsync(_connection, _names, function, cancellationToken).ConfigureAwait(false);
            var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var concurrency = Math.Clamp(_options.FunctionConcurrency?.Invoke(function) ?? _options.DefaultConcurrency, 1, ushort.MaxValue);
            await channel.BasicQosAsync(0, (ushort)concurrency, global: false, cancellationToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => OnInvocationAsync(function, channel, delivery);
            var tag = await channel.BasicConsumeAsync(_names.Function(function), autoAck: false, consumerTag: "", noLocal: false, exclusive: false, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
            _consumers.Add((channel, tag));
            _log.Write("worker.consuming", $"queue={_names.Function(function)} prefetch={concurrency}");
        }
    }

    /// <summary>
    /// Stops taking invocations, lets the running ones finish and reply for up to the drain timeout, then closes the
    /// connection: invocations still running then were not acknowledged, so the broker gives them to another worker.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var (channel, tag) in _consumers)
        {
            try
            {
                await channel.BasicCancelAsync(tag).ConfigureAwait(false);
            }
            catch (Exception ex) when (Quietly.IsGone(ex))
            {
                // The channel is gone with its consumer.
            }
        }

        if (!await _inFlight.WaitIdleAsync(_options.DrainTimeout, _time).ConfigureAwait(false))
        {
            _log.Write("worker.drain-timeout", $"running={_inFlight.Count} (returned to their queues)");
        }

        await CloseAsync(abort: false).ConfigureAwait(false);
    }

    /// <summary>Drops the connection at once, as a crashed worker would: what runs now is redelivered elsewhere.</summary>
    internal async Task KillAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        await CloseAsync(abort: true).ConfigureAwait(false);
    }

    private async Task CloseAsync(bool abort)
    {
        if (abort)
        {
            await Quietly.AbortAsync(_connection).ConfigureAwait(false);
        }
        else
        {
            foreach (var (channel, _) in _consumers)
            {
                await Quietly.CloseAsync(channel).ConfigureAwait(false);
            }

            if (_control is not null)
            {
                await Quietly.CloseAsync(_control).ConfigureAwait(false);
            }

            if (_publisher is not null)
            {
                await Quietly.CloseAsync(_publisher).ConfigureAwait(false);
            }
        }

        // Only now, with no way left to acknowledge, stop what still runs: its replies cannot be sent anyway.
        await _abandon.CancelAsync().ConfigureAwait(false);
        _abandon.Dispose();
    }

    private async Task StartControlAsync(CancellationToken cancellationToken)
    {
        _control = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Declare.ControlExchangeAsync(_control, _names, cancellationToken).ConfigureAwait(false);
        var queue = await _control.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _control.QueueBindAsync(queue.QueueName, _names.Control, string.Empty, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_control);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (delivery.BasicProperties.Type == MessageTypes.PrewarmFunction)
            {
                if (WireJson.TryReadPrewarmFunction(delivery.Body.Span, out string? _) is { } prewarm)
                {
                    OnPrewarm(prewarm);
                }
            }
            else if (WireJson.TryReadCancelInvocation(delivery.Body.Span, out string? _) is { } cancel)
            {
                _host.Cancel(cancel);
            }

            return Task.CompletedTask;
        };
        await _control.BasicConsumeAsync(queue.QueueName, autoAck: true, consumerTag: "", noLocal: false, exclusive: true, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A prewarm hint for a function hosted here: its pool starts an instance in the background if it has none idle or
    /// starting and is below <c>scale.max</c>; C# functions ignore it. Never blocks the control consumer.
    /// </summary>
    private void OnPrewarm(PrewarmFunction prewarm)
    {
        if (!_registry.TryGet(prewarm.Function, out _))
        {
            return;
        }

        Interlocked.Increment(ref _prewarmHints);
        if (_registry.Prewarm(prewarm.Function) is { } start)
        {
            _ = LogPrewarmAsync(prewarm.Function, start);
        }
    }

    private async Task LogPrewarmAsync(string function, Task<PrewarmResult> start)
    {
        var result = await start.ConfigureAwait(false);
        if (result.Error is null)
        {
            _log.Write("worker.prewarmed", string.Create(CultureInfo.InvariantCulture, $"function={function} instance={result.InstanceId} ms={result.InitMs:0.0}"));
        }
        else
        {
            _log.Write("worker.prewarm-failed", $"function={function} reason=\"{result.Error.Message}\"");
        }
    }

    private async Task OnInvocationAsync(string function, IChannel channel, BasicDeliverEventArgs delivery)
    {
        // The body's memory belongs to the client only until this handler returns.
        var body = delivery.Body.ToArray();
        var command = WireJson.TryReadInvokeFunction(body, out var error);
        if (command is not null && command.Function != function)
        {
            error = $"the invocation is for function '{command.Function}', not '{function}' whose queue it came from";
            command = null;
        }

        if (command is null)
        {
            await SetAsideAsync(function, channel, delivery, body, error!).ConfigureAwait(false);
            return;
        }

        if (delivery.Redelivered)
        {
            _log.Write("worker.redelivered", $"invocation={command.InvocationId} function={function}");
        }

        var replies = new DeliveryReplies(_publisher!, channel, delivery.DeliveryTag, delivery.BasicProperties.ReplyTo, _options.ReplyPath == RabbitMqReplyPath.Queue, _log);
        _inFlight.Enter();

        // Off the delivery loop: a function that computes synchronously must not hold up the next delivery.
        _ = Task.Run(async () =>
        {
            try
            {
                await _host.HandleAsync(command, replies, _abandon.Token).ConfigureAwait(false);
            }
            finally
            {
                _inFlight.Exit();
            }
        });
    }

    private async Task SetAsideAsync(string function, IChannel channel, BasicDeliverEventArgs delivery, byte[] body, string reason)
    {
        _log.Write("worker.unreadable", $"queue={_names.Function(function)} reason=\"{reason}\"");
        var properties = DeadLetters.SetAside(delivery.BasicProperties, reason, _names.Function(function), workflow: null, _time);
        try
        {
            await _publisher!.BasicPublishAsync(string.Empty, _names.FunctionErrors(function), mandatory: true, properties, body).ConfigureAwait(false);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.PublishException || Quietly.IsGone(ex))
        {
            // Not set aside: leave it unacknowledged, so it is neither lost nor acknowledged twice.
            _log.Write("worker.set-aside-failed", $"queue={_names.Function(function)} reason=\"{ex.Message}\"");
        }
    }
}
