using Orchestrator.Transport.RabbitMq.Connections;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Topology;

/// <summary>
/// Declarations both sides make, with the same arguments: whichever of engine and worker starts first creates the
/// queue, the other finds it. Each runs on a short-lived channel of its own, because the broker answers a
/// declaration it refuses by closing the channel, and a publishing or consuming channel must not die of that.
/// </summary>
internal static class Declare
{
    /// <summary>
    /// A function's durable invocation queue and its error queue: classic queues with no arguments. Invocations are
    /// consumed as they arrive, so they rarely reach the disk at all (classic queue version 2 measured no cheaper here),
    /// and quorum queues need three nodes to earn their keep. A queue an operator already declared otherwise (e.g. as a
    /// quorum queue, for a cluster) is used as it is.
    /// </summary>
    public static async Task FunctionQueuesAsync(IConnection connection, QueueNames names, string function, CancellationToken cancellationToken)
    {
        await QueueAsync(connection, names.Function(function), null, cancellationToken).ConfigureAwait(false);
        await QueueAsync(connection, names.FunctionErrors(function), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A durable queue, or the one that exists under that name with other arguments.</summary>
    public static async Task QueueAsync(IConnection connection, string queue, IDictionary<string, object?>? arguments, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
        {
            channel.Dispose();
            channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Quietly.CloseAsync(channel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether <paramref name="exchange"/> exists, asked on a channel of its own: the broker answers a question about a
    /// missing exchange by closing the channel that asked.
    /// </summary>
    public static async Task<bool> ExchangeExistsAsync(IConnection connection, string exchange, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.ExchangeDeclarePassiveAsync(exchange, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return false;
        }
        finally
        {
            await Quietly.CloseAsync(channel).ConfigureAwait(false);
        }
    }

    /// <summary>The fanout exchange for <c>CancelInvocation</c> and <c>PrewarmFunction</c>: every worker gets every one and ignores those about invocations it does not run or functions it does not host.</summary>
    public static Task ControlExchangeAsync(IChannel channel, QueueNames names, CancellationToken cancellationToken) =>
        channel.ExchangeDeclareAsync(names.Control, ExchangeType.Fanout, durable: true, autoDelete: false, arguments: null, cancellationToken: cancellationToken);
}
