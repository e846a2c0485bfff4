using System.Text;
using Orchestrator.Transport.RabbitMq.Triggers;
using RabbitMQ.Client;

namespace Orchestrator.Integration.Tests.Triggers;

/// <summary>What a trigger makes of a message body and its properties (no broker needed).</summary>
public sealed class TriggerMessageParserTests
{
    private static TriggerMessage? Parse(string body, BasicProperties properties, out string? problem) =>
        TriggerMessageParser.TryParse(Encoding.UTF8.GetBytes(body), properties, out problem);

    [Fact]
    public void RawJson_IsTheInput()
    {
        var message = Parse("""{"n":1}""", new BasicProperties { MessageId = "m-1" }, out var problem);

        Assert.Null(problem);
        Assert.Equal(1, message!.Input!["n"]!.GetValue<int>());
        Assert.Null(message.Event);
        Assert.Equal("m-1", message.MessageId);
    }

    [Fact]
    public void NotJson_IsRefusedWithTheParsersReason()
    {
        Assert.Null(Parse("hello", new BasicProperties { ContentType = "text/plain" }, out var problem));
        Assert.StartsWith("the body is not JSON: ", problem, StringComparison.Ordinal);
        Assert.EndsWith("at line 1, column 1", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void StructuredCloudEvent_DataIsTheInputAndAttributesAreKept()
    {
        var body = """{"specversion":"1.0","id":"e-1","source":"/shop","type":"order.placed","time":"2024-05-01T10:00:00Z","data":{"n":2}}""";

        var message = Parse(body, new BasicProperties { ContentType = "application/cloudevents+json; charset=utf-8" }, out var problem);

        Assert.Null(problem);
        Assert.Equal(2, message!.Input!["n"]!.GetValue<int>());
        Assert.Equal("e-1", message.Event!["id"]!.GetValue<string>());
        Assert.Equal("/shop", message.Event["source"]!.GetValue<string>());
        Assert.Equal("1.0", message.Event["specversion"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ce-")]
    [InlineData("ce_")]
    [InlineData("cloudEvents:")]
    public void BinaryCloudEvent_AttributesFromHeaders(string prefix)
    {
        var headers = new Dictionary<string, object?>
        {
            [prefix + "specversion"] = Encoding.UTF8.GetBytes("1.0"),
            [prefix + "id"] = Encoding.UTF8.GetBytes("e-2"),
            [prefix + "source"] = Encoding.UTF8.GetBytes("/shop"),
            [prefix + "type"] = Encoding.UTF8.GetBytes("order.placed"),
            ["x-other"] = Encoding.UTF8.GetBytes("kept"),
        };

        var message = Parse("""{"n":3}""", new BasicProperties { ContentType = "application/json", Headers = headers }, out var problem);

        Assert.Null(problem);
        Assert.Equal(3, message!.Input!["n"]!.GetValue<int>());
        Assert.Equal("order.placed", message.Event!["type"]!.GetValue<string>());
        Assert.Equal("kept", message.Headers["x-other"]!.GetValue<string>());
    }

    [Fact]
    public void BinaryCloudEvent_TextData_StartsWithAString()
    {
        var headers = new Dictionary<string, object?>
        {
            ["ce-specversion"] = Encoding.UTF8.GetBytes("1.0"),
            ["ce-id"] = Encoding.UTF8.GetBytes("e-3"),
            ["ce-source"] = Encoding.UTF8.GetBytes("/notes"),
            ["ce-type"] = Encoding.UTF8.GetBytes("note"),
        };

        var message = Parse("remember the milk", new BasicProperties { ContentType = "text/plain", Headers = headers }, out var problem);

        Assert.Null(problem);
        Assert.Equal("remember the milk", message!.Input!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"e","type":"t","data":{}}""", "application/cloudevents+json", "not a valid CloudEvent")]
    [InlineData("""{"specversion":"0.1","id":"e","source":"/s","type":"t"}""", "application/cloudevents+json", "not a valid CloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"e","source":"/s","type":"t","data":{"n":1""", "application/cloudevents+json", "not JSON")]
    [InlineData("""[{"specversion":"1.0"}]""", "application/cloudevents-batch+json", "batches are not supported")]
    public void BadCloudEvents_AreRefusedWithAReason(string body, string contentType, string reason)
    {
        Assert.Null(Parse(body, new BasicProperties { ContentType = contentType }, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
