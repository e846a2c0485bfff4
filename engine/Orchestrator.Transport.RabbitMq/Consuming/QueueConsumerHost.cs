using Orchestrator.Transport.RabbitMq.Connections;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Consuming;

/// <summary>
/// Runs the engine's consumers of one kind (queue triggers, listen channels) on a connection of their own, so that a
/// flood of their messages never slows replies, with one confirming channel for the messages they set aside.
/// </summary>
internal abstract class QueueConsumerHost<TConsumer>(IConnection connection, RabbitMqOptions options, TransportLog log, TimeProvider time) : IAsyncDisposable
    where TConsumer : QueueConsumer
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TConsumer> _consumers = [];
    private IChannel? _deadLetterChannel;
    private int _stopped;
    private int _disposed;

    protected IReadOnlyList<TConsumer> Consumers => _consumers;

    /// <summary>Cancelled once consuming stopped: what a consumer still waits on gives up, its message going back to the queue.</summary>
    protected CancellationToken Stopping => _stopping.Token;

    protected TransportLog Log => log;

    protected TimeProvider Time => time;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _deadLetterChannel = await Connector.OpenConfirmingChannelAsync(connection, options.MaxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
        var deadLetters = new DeadLetters(connection, _deadLetterChannel, time);
        foreach (var consumer in CreateConsumers(deadLetters))
        {
            _consumers.Add(consumer);
            await consumer.StartAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops consuming, cancels <see cref="Stopping"/>, and waits until <paramref name="deadline"/> for the messages in
    /// hand to be settled (see <see cref="DrainAsync"/>).
    /// </summary>
    public async Task StopConsumingAsync(DateTimeOffset deadline)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        foreach (var consumer in _consumers)
        {
            await consumer.StopConsumingAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await DrainAsync(deadline).ConfigureAwait(false);
    }

    /// <summary>Stops consuming (if not yet) and closes the channels.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The consumers, one per queue, created as they are started.</summary>
    protected abstract IEnumerable<TConsumer> CreateConsumers(DeadLetters deadLetters);

    /// <summary>Waits until <paramref name="deadline"/> for the consumers' <see cref="QueueConsumer.Pending"/> messages to be settled.</summary>
    protected abstract Task DrainAsync(DateTimeOffset deadline);

    /// <summary>Stops consuming (if not yet) and closes the channels; a subclass that holds more releases it after.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        await StopConsumingAsync(time.GetUtcNow() + options.DrainTimeout).ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        if (_deadLetterChannel is not null)
        {
            await Quietly.CloseAsync(_deadLetterChannel).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
