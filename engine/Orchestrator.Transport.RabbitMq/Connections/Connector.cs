using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Connections;

/// <summary>Opens connections and channels the way every part of the transport needs them.</summary>
internal static class Connector
{
    /// <summary>
    /// A connection that recovers by itself (with its queues, bindings and consumers) after the broker or the network
    /// dropped it: a long-running engine or worker keeps serving without a restart.
    /// </summary>
    public static Task<IConnection> ConnectAsync(Uri address, string name, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = address,
            ClientProvidedName = name,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
        };
        return factory.CreateConnectionAsync(cancellationToken);
    }

    /// <summary>
    /// A channel whose every publish completes only when the broker confirmed it (persisted, for a persistent message
    /// on a durable queue) and throws when it refused or could not route it. Publishes from many tasks overlap, so
    /// confirms arrive in batches rather than costing one round trip each.
    /// </summary>
    public static Task<IChannel> OpenConfirmingChannelAsync(IConnection connection, int maxOutstandingConfirms, CancellationToken cancellationToken) =>
        connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(maxOutstandingConfirms)),
            cancellationToken);
}
