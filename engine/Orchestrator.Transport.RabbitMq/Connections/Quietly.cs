using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Connections;

/// <summary>Closing that does not fail when the other side already went away: stopping must always finish.</summary>
internal static class Quietly
{
    public static async Task CloseAsync(IChannel channel)
    {
        try
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsGone(ex))
        {
            // Closed with its connection already: nothing is left to release on the broker.
        }

        channel.Dispose();
    }

    public static async Task CloseAsync(IConnection connection, TimeSpan timeout)
    {
        try
        {
            await connection.CloseAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsGone(ex))
        {
            // The broker or the network went first.
        }

        connection.Dispose();
    }

    /// <summary>Drops the connection without closing it in order: what a crashed process looks like to the broker.</summary>
    public static async Task AbortAsync(IConnection connection)
    {
        if (connection.IsOpen)
        {
            await connection.AbortAsync().ConfigureAwait(false);
        }

        connection.Dispose();
    }

    public static bool IsGone(Exception ex) =>
        ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException;
}
