using System.Text;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;

namespace Orchestrator.Integration.Tests.Support;

/// <summary>
/// What one test owns on the shared broker: a prefix of its own for the transport's queues, unique trigger queue
/// names, and a connection to look inside queues. Deletes everything it named when disposed.
/// </summary>
internal sealed class BrokerScope : IAsyncDisposable
{
    private readonly List<string> _queues = [];
    private readonly List<string> _exchanges = [];
    private IConnection? _connection;

    public BrokerScope(BrokerFixture broker)
    {
        Address = broker.Address;
        Prefix = "test-" + Guid.NewGuid().ToString("N")[..10];
    }

    public Uri Address { get; }

    /// <summary>Prefix of the transport's own queues and exchange in this test.</summary>
    public string Prefix { get; }

    public RabbitMqOptions Options(int concurrency = 64) => new() { Address = Address, Prefix = Prefix, DefaultConcurrency = concurrency, DrainTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>An engine alone (it hosts no functions) on this test's prefix, committing to <paramref name="store"/>.</summary>
    public Task<RabbitMqRuntime> StartEngineAsync(WorkflowCatalog catalog, IRunStore store, bool ownsStore = false) =>
        RabbitMqRuntime.StartAsync(RabbitMqRole.Engine, Options(), catalog, new FunctionRegistry(), store, ownsStore);

    /// <summary>A worker alone (it runs no workflows) on this test's prefix, hosting <paramref name="functions"/>.</summary>
    public Task<RabbitMqRuntime> StartWorkerAsync(WorkflowCatalog catalog, FunctionRegistry functions, int concurrency = 64) =>
        RabbitMqRuntime.StartAsync(RabbitMqRole.Worker, Options(concurrency), catalog, functions, store: null);

    /// <summary>A queue name no other test uses; deleted (with its <c>.dead</c> queue) at the end.</summary>
    public string Queue(string name)
    {
        var queue = $"{Prefix}.{name}";
        _queues.Add(queue);
        _queues.Add(queue + ".dead");
        return queue;
    }

    /// <summary>An exchange name no other test uses, declared (durable) now; deleted at the end.</summary>
    public async Task<string> ExchangeAsync(string name, string type = ExchangeType.Direct)
    {
        var exchange = $"{Prefix}.{name}";
        _exchanges.Add(exchange);
        await using var channel = await ChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, type, durable: true, autoDelete: false);
        return exchange;
    }

    /// <summary>Deletes an exchange now (as an operator would, under a running engine).</summary>
    public async Task DeleteExchangeAsync(string exchange)
    {
        await using var channel = await ChannelAsync();
        await channel.ExchangeDeleteAsync(exchange);
    }

    /// <summary>Declares <paramref name="queue"/> (durable) and binds it to <paramref name="exchange"/>.</summary>
    public async Task BindAsync(string queue, string exchange, string routingKey)
    {
        await using var channel = await ChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, routingKey);
    }

    /// <summary>Registers the transport's queues of <paramref name="functions"/> for deletion.</summary>
    public void Functions(params string[] functions)
    {
        foreach (var function in functions)
        {
            _queues.Add($"{Prefix}.fn.{function}");
            _queues.Add($"{Prefix}.fn.{function}.error");
        }
    }

    /// <summary>Messages waiting in a queue.</summary>
    public async Task<uint> CountAsync(string queue)
    {
        await using var channel = await ChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>Takes every message waiting in a queue (acknowledged: they are gone afterwards).</summary>
    public async Task<List<(string Body, IReadOnlyBasicProperties Properties)>> DrainAsync(string queue)
    {
        await using var channel = await ChannelAsync();
        var messages = new List<(string, IReadOnlyBasicProperties)>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            messages.Add((Encoding.UTF8.GetString(message.Body.Span), message.BasicProperties));
        }

        return messages;
    }

    /// <summary>Publishes straight to a queue, as any outside publisher would.</summary>
    public async Task PublishAsync(string queue, byte[] body, BasicProperties properties)
    {
        await using var channel = await ChannelAsync();
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);
    }

    public static string Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers is { } headers && headers.TryGetValue(name, out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var channel = await ChannelAsync();
            foreach (var queue in _queues)
            {
                await channel.QueueDeleteAsync(queue);
            }

            await channel.ExchangeDeleteAsync($"{Prefix}.control");
            foreach (var exchange in _exchanges)
            {
                await channel.ExchangeDeleteAsync(exchange);
            }
        }
        finally
        {
            if (_connection is not null)
            {
                await _connection.CloseAsync();
                _connection.Dispose();
            }
        }
    }

    private async Task<IChannel> ChannelAsync()
    {
        _connection ??= await new ConnectionFactory { Uri = Address }.CreateConnectionAsync();
        return await _connection.CreateChannelAsync();
    }
}
