using System.Text.Json.Nodes;
using Orchestrator.Integration.Tests.Support;
using RabbitMQ.Client;

namespace Orchestrator.Integration.Tests.Cli;

[Collection(BrokerTests.Name)]
public sealed class PublishCommandTests(BrokerFixture broker)
{
    [Fact]
    public async Task Publish_Json_PutsOnePersistentMessageOnTheQueue()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("published");

        var (exit, stdout, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", queue, """{"email":"ada@example.com"}""", "--rabbitmq", scope.Address.ToString());

        Assert.True(exit == 0, stderr);
        Assert.Contains($"published 1 message(s) to {queue}", stdout, StringComparison.Ordinal);
        var (body, properties) = Assert.Single(await scope.DrainAsync(queue));
        Assert.Equal("ada@example.com", JsonNode.Parse(body)!["email"]!.GetValue<string>());
        Assert.Equal(DeliveryModes.Persistent, properties.DeliveryMode);
        Assert.Equal("application/json", properties.ContentType);
        Assert.False(string.IsNullOrEmpty(properties.MessageId));
    }

    [Fact]
    public async Task Publish_CloudEventBinary_PutsAttributesInHeaders()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("events");

        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", queue, """{"n":1}""", "--cloudevent", "binary", "--type", "com.example.signup", "--id", "evt-1", "--count", "2", "--rabbitmq", scope.Address.ToString());

        Assert.True(exit == 0, stderr);
        var messages = await scope.DrainAsync(queue);
        Assert.Equal(2, messages.Count);
        Assert.Equal(["evt-1-1", "evt-1-2"], messages.Select(m => BrokerScope.Header(m.Properties, "ce-id")));
        Assert.All(messages, m => Assert.Equal("com.example.signup", BrokerScope.Header(m.Properties, "ce-type")));
        Assert.All(messages, m => Assert.Equal("1.0", BrokerScope.Header(m.Properties, "ce-specversion")));
    }

    [Fact]
    public async Task Publish_InvalidJson_IsBadUsageAndSendsNothing()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", "q", "{nope", "--rabbitmq", "amqp://127.0.0.1:1/");

        Assert.Equal(2, exit);
        Assert.Contains("not valid JSON", stderr, StringComparison.Ordinal);
        Assert.Contains("--raw", stderr, StringComparison.Ordinal);
    }
}
