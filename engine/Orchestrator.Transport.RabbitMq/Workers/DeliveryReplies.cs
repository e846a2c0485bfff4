using Orchestrator.Contracts;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Wire;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Workers;

/// <summary>
/// Where one delivered invocation's reply goes: published (confirmed) to the engine's reply address, and only then
/// the invocation message is acknowledged. A worker that dies in between leaves the message unacknowledged, so the
/// broker hands it to another worker: an invocation is never lost, at worst run twice (the engine keeps the first reply).
/// </summary>
internal sealed class DeliveryReplies(
    IChannel publisher,
    IChannel consumer,
    ulong deliveryTag,
    string? replyTo,
    bool persistentReplies,
    TransportLog log) : IInvocationReplies
{
    private const string DirectReplyToPrefix = "amq.rabbitmq.reply-to";

    public ValueTask CompletedAsync(FunctionCompleted reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return ReplyAsync(reply.InvocationId, MessageTypes.FunctionCompleted, WireJson.Serialize(reply), cancellationToken);
    }

    public ValueTask FailedAsync(FunctionFailed reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return ReplyAsync(reply.InvocationId, MessageTypes.FunctionFailed, WireJson.Serialize(reply), cancellationToken);
    }

    private async ValueTask ReplyAsync(string invocationId, string type, byte[] body, CancellationToken cancellationToken)
    {
        var acknowledge = true;
        if (replyTo is not null)
        {
            var properties = new BasicProperties
            {
                ContentType = MessageTypes.Json,
                Type = type,
                CorrelationId = invocationId,
                Persistent = persistentReplies,
            };
            try
            {
                // Mandatory only for a reply queue: the broker returns direct reply-to publishes as unroutable even
                // when it delivered them (RabbitMQ 3.x), and a direct reply to a vanished engine is dropped either way.
                var mandatory = !replyTo.StartsWith(DirectReplyToPrefix, StringComparison.Ordinal);
                await publisher.BasicPublishAsync(string.Empty, replyTo, mandatory, properties, body, cancellationToken).ConfigureAwait(false);
            }
            catch (PublishException ex) when (ex.IsReturn)
            {
                // The engine that asked is gone (its reply address no longer exists); running the invocation again
                // would answer no one, so it is acknowledged.
                log.Write("worker.reply-unroutable", $"invocation={invocationId} replyTo={replyTo}");
            }
            catch (PublishException)
            {
                // The broker refused the reply: leave the invocation to be run again rather than lose its answer.
                log.Write("worker.reply-refused", $"invocation={invocationId}");
                acknowledge = false;
            }
            catch (Exception ex) when (Quietly.IsGone(ex))
            {
                // The connection is gone: the broker returns the unacknowledged invocation to its queue by itself.
                log.Write("worker.reply-lost", $"invocation={invocationId} reason=\"{ex.Message}\"");
                return;
            }
        }

        try
        {
            if (acknowledge)
            {
                await consumer.BasicAckAsync(deliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await consumer.BasicNackAsync(deliveryTag, multiple: false, requeue: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Quietly.IsGone(ex))
        {
            log.Write("worker.ack-lost", $"invocation={invocationId} reason=\"{ex.Message}\"");
        }
    }
}
