using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Transport.RabbitMq.Wire;

namespace Orchestrator.Integration.Tests.Wire;

/// <summary>The message bodies on the wire (no broker needed).</summary>
public sealed class WireJsonTests
{
    [Fact]
    public void InvokeFunction_Serialized_IsCamelCaseWithThePayloadAsRawJson()
    {
        var command = new InvokeFunction("inv-1", "run-1", "notify/email", 2, "send-email", new JsonObject { ["to"] = "ada@example.com", ["tags"] = new JsonArray(1, 2) }, null);

        var json = JsonNode.Parse(WireJson.Serialize(command))!.AsObject();

        Assert.Equal("inv-1", json["invocationId"]!.GetValue<string>());
        Assert.Equal("notify/email", json["stepPath"]!.GetValue<string>());
        Assert.Equal("""{"to":"ada@example.com","tags":[1,2]}""", json["payload"]!.ToJsonString());
        Assert.False(json.ContainsKey("deadline"));
        var back = WireJson.TryReadInvokeFunction(WireJson.Serialize(command), out var error);
        Assert.Null(error);
        Assert.Equal(command.Payload!.ToJsonString(), back!.Payload!.ToJsonString());
        Assert.Equal(command with { Payload = null }, back with { Payload = null });
    }

    [Fact]
    public void FunctionFailed_RoundTrip_KeepsTheSharedErrorShape()
    {
        var reply = new FunctionFailed("inv-1", "run-1", new ErrorInfo("card-declined", "declined", "at Pay()", Retryable: false), new InvocationMetrics(true, 12.5, 3, "python-7"), ["log line"]);

        var back = WireJson.TryReadFunctionFailed(WireJson.Serialize(reply), out var error);

        Assert.Null(error);
        Assert.Equal(reply.Error, back!.Error);
        Assert.Equal(reply.Metrics, back.Metrics);
        Assert.Equal(["log line"], back.Logs!);
    }

    [Theory]
    [InlineData("{ nope")]
    [InlineData("""{"invocationId":"i","runId":"r","stepPath":"s","attempt":1}""")]
    [InlineData("null")]
    public void TryReadInvokeFunction_NotAnInvocation_SaysWhy(string body)
    {
        Assert.Null(WireJson.TryReadInvokeFunction(Encoding.UTF8.GetBytes(body), out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void PrewarmFunction_RoundTrip_CarriesTheFunctionName()
    {
        var json = JsonNode.Parse(WireJson.Serialize(new PrewarmFunction("score")))!.AsObject();
        Assert.Equal("score", json["function"]!.GetValue<string>());

        var back = WireJson.TryReadPrewarmFunction(WireJson.Serialize(new PrewarmFunction("score")), out var error);
        Assert.Null(error);
        Assert.Equal(new PrewarmFunction("score"), back);
    }

    [Theory]
    [InlineData("{ nope")]
    [InlineData("""{"invocationId":"i","reason":"r"}""")]
    [InlineData("null")]
    public void TryReadPrewarmFunction_NotAPrewarm_SaysWhy(string body)
    {
        Assert.Null(WireJson.TryReadPrewarmFunction(Encoding.UTF8.GetBytes(body), out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryReadCancelInvocation_APrewarmBody_IsNotACancellation()
    {
        Assert.Null(WireJson.TryReadCancelInvocation(WireJson.Serialize(new PrewarmFunction("score")), out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
