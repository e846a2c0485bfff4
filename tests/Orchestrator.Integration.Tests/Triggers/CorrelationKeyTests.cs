using System.Text.Json.Nodes;
using Orchestrator.Transport.RabbitMq.Triggers;

namespace Orchestrator.Integration.Tests.Triggers;

/// <summary>What makes two deliveries the same message (no broker needed).</summary>
public sealed class CorrelationKeyTests
{
    private static TriggerMessage Message(JsonNode? input, JsonObject? cloudEvent = null, string? messageId = null) => new(input, cloudEvent, messageId, []);

    [Fact]
    public void Default_CloudEventIsIdentifiedBySourceAndId_RawMessageByMessageId()
    {
        var key = CorrelationKey.Create(null);

        Assert.Equal("/shop\ne-1", key.Evaluate(Message(null, new JsonObject { ["source"] = "/shop", ["id"] = "e-1" }, "ignored"), "q", false, CancellationToken.None));
        Assert.Equal("m-1", key.Evaluate(Message(null, null, "m-1"), "q", false, CancellationToken.None));
        Assert.Null(key.Evaluate(Message(null), "q", false, CancellationToken.None));
    }

    [Fact]
    public void Expression_ReadsTheInput()
    {
        var key = CorrelationKey.Create("{{ input.order.id }}");

        Assert.Equal("A-7", key.Evaluate(Message(new JsonObject { ["order"] = new JsonObject { ["id"] = "A-7" } }), "q", false, CancellationToken.None));
        Assert.Equal("42", CorrelationKey.Create("{{ input.n }}").Evaluate(Message(new JsonObject { ["n"] = 42 }), "q", false, CancellationToken.None));
        Assert.Null(key.Evaluate(Message(new JsonObject { ["order"] = new JsonObject { ["id"] = "" } }), "q", false, CancellationToken.None));
    }

    [Fact]
    public void Create_BadExpression_SaysSoBeforeAnyMessage()
    {
        var error = Assert.Throws<FormatException>(() => CorrelationKey.Create("{{ input. }}"));
        Assert.Contains("correlation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunId_IsStablePerWorkflowAndValue()
    {
        var id = CorrelationKey.RunId("orders", "A-7");

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, CorrelationKey.RunId("orders", "A-7"));
        Assert.NotEqual(id, CorrelationKey.RunId("refunds", "A-7"));
    }
}
