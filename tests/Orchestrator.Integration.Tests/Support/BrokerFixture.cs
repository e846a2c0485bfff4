using Orchestrator.Transport.RabbitMq;
using RabbitMQ.Client;
using Testcontainers.RabbitMq;

namespace Orchestrator.Integration.Tests.Support;

/// <summary>
/// The broker every integration test talks to: <c>$ORCHESTRATOR_RABBITMQ</c> when set, else a RabbitMQ container
/// when a Docker engine answers, else every test fails with how to start one. Never a silent pass without a broker.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private const string HowToStart = """
        The integration tests need a RabbitMQ broker, and none is configured.
          Start a private one (Debian's rabbitmq-server on loopback; installs it with apt-get when run as root):
            export ORCHESTRATOR_RABBITMQ="$(tests/rabbitmq.sh start)"     # stop it later: tests/rabbitmq.sh stop
          or point ORCHESTRATOR_RABBITMQ at any broker: amqp://user:pass@host:5672/vhost
          or run a Docker engine: the tests then start a rabbitmq:4 container themselves (Testcontainers).
        """;

    private RabbitMqContainer? _container;

    /// <summary>The broker's address.</summary>
    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(RabbitMqAddress.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Address = RabbitMqAddress.Parse(configured);
            try
            {
                await using var connection = await new ConnectionFactory { Uri = Address }.CreateConnectionAsync();
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException)
            {
                throw new InvalidOperationException($"{RabbitMqAddress.EnvironmentVariable} names {RabbitMqAddress.Redact(Address)}, but no broker answers there ({ex.InnerException?.Message ?? ex.Message}).\n{HowToStart}", ex);
            }

            return;
        }

        try
        {
            _container = new RabbitMqBuilder("rabbitmq:4-management").Build();
            await _container.StartAsync();
            Address = new Uri(_container.GetConnectionString());
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{HowToStart}\n(No {RabbitMqAddress.EnvironmentVariable} is set, and no Docker engine answered: {ex.Message})", ex);
        }
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
