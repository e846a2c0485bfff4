using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Consuming;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

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
    CancellationToken abandoning) : QueueConsumer(queue, "listen", deadLetters, log)
{
    /// <summary>How long a message the store refused stays unacknowledged before it goes back to the queue.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Messages of one channel being stored at once. Storing is cheap (one inbox row, committed with others), so this
    /// only bounds what a burst holds in memory.
    /// </summary>
    private const ushort Prefetch = 64;

    public ListenStatistics Statistics { get; } = new();

    public override async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await ConsumeAsync(connection, Prefetch, cancellationToken).ConfigureAwait(false);
        Log.Write("listen.consuming", $"queue={Queue} prefetch={Prefetch}");
    }

    protected override void OnDeadLettered() => Statistics.OnDeadLettered();

    protected override Task OnMessageAsync(BasicDeliverEventArgs delivery)
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
            ? DeadLetterAsync(tag, properties, body, problem ?? "unreadable message", workflow: null)
            : StoreAsync(message, tag);
        return Task.CompletedTask;
    }

    private async Task StoreAsync(JsonObject message, ulong tag)
    {
        try
        {
            await hub.DeliverAsync(Queue, message, abandoning).ConfigureAwait(false);
            Statistics.OnStored();
            await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stopped the store (a full disk, a lost database), the message goes back to the queue rather than being lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Statistics.OnStoreFailed();
            Log.Write("listen.store-failed", $"queue={Queue} reason=\"{ex.Message}\"");

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
}
