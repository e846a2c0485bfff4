using System.Text.Json.Nodes;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Tests.Expressions;

public sealed class CompiledExpressionTests
{
    private static JsonNode? Evaluate(string text, JsonNode? input = null)
    {
        var scope = new ExpressionScope();
        scope.Set("input", input ?? new JsonObject());
        var expression = CompiledExpression.TryParse(text, out var error);
        Assert.True(expression is not null, error);
        return expression.Evaluate(scope, CancellationToken.None);
    }

    [Theory]
    [InlineData("{{ 40 + 2 }}", true)]
    [InlineData("{{ a }} {{ b }}", false)]
    [InlineData("x {{ a }}", false)]
    [InlineData("{{ a }}x", false)]
    [InlineData("{{a}}", true)]
    [InlineData("plain", false)]
    public void IsWholeExpression_DetectsASingleCoveringExpression(string text, bool expected)
    {
        Assert.Equal(expected, CompiledExpression.IsWholeExpression(text));
    }

    [Fact]
    public void Evaluate_WholeExpression_KeepsNumberType()
    {
        Assert.Equal(System.Text.Json.JsonValueKind.Number, JsonValueKindOf(Evaluate("{{ 40 + 2 }}")));
        Assert.Equal("42", Evaluate("{{ 40 + 2 }}")!.ToJsonString());
    }

    [Fact]
    public void Evaluate_ObjectFromInput_StaysAnObject()
    {
        var input = JsonNode.Parse("""{"user":{"id":7,"roles":["a"]}}""");

        Assert.Equal("""{"id":7,"roles":["a"]}""", Evaluate("{{ input.user }}", input)!.ToJsonString());
    }

    [Fact]
    public void Evaluate_MixedText_RendersAString()
    {
        Assert.Equal("\"id=7\"", Evaluate("id={{ input.id }}", JsonNode.Parse("""{"id":7}"""))!.ToJsonString());
    }

    [Fact]
    public void TryParse_SyntaxError_ReportsScribanMessage()
    {
        Assert.Null(CompiledExpression.TryParse("{{ 1 + }}", out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Evaluate_AssignmentInsideScript_DoesNotLeakIntoScope()
    {
        var scope = new ExpressionScope();
        scope.Set("x", 1);
        var expression = CompiledExpression.TryParse("{{ x = 5; x }}", out _)!;

        Assert.Equal("5", expression.Evaluate(scope, CancellationToken.None)!.ToJsonString());
        Assert.True(scope.TryGet("x", out var x));
        Assert.Equal("1", x!.ToJsonString());
    }

    [Fact]
    public void EvaluateCondition_BareExpressionWithoutBraces_Works()
    {
        var scope = new ExpressionScope();
        scope.Set("input", JsonNode.Parse("""{"n":3}"""));
        var condition = CompiledExpression.TryParseCondition("input.n > 2", out _)!;

        Assert.True(condition.EvaluateCondition(scope, CancellationToken.None));
    }

    [Theory]
    [InlineData("{{ input.order.lines[1].sku }}", "\"pen\"")]
    [InlineData("{{ input.order.lines[5] }}", "null")]
    [InlineData("{{ input.order.lines[0] }}", "{\"sku\":\"book\"}")]
    [InlineData("{{input.order.id}}", "7")]
    [InlineData("{{ input.order.id.nested }}", "null")]
    public void Evaluate_PlainPath_ReadsJsonLikeScribanWould(string text, string expected)
    {
        var input = JsonNode.Parse("""{"order":{"id":7,"lines":[{"sku":"book"},{"sku":"pen"}]}}""");

        Assert.Equal(expected, Evaluate(text, input)?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Evaluate_MemberOfNull_FailsAsInScriban()
    {
        var scope = new ExpressionScope();
        scope.Set("greeting", null);
        var expression = CompiledExpression.TryParse("{{ greeting.message }}", out _)!;

        var error = Assert.Throws<ExpressionException>(() => expression.Evaluate(scope, CancellationToken.None));
        Assert.Equal("expression '{{ greeting.message }}' failed: Cannot get the member greeting.message for a null object.", error.Message);
    }

    [Fact]
    public void Evaluate_PathWithUnknownRoot_FailsLikeAnyUnknownName()
    {
        var expression = CompiledExpression.TryParse("{{ nothing.here }}", out _)!;

        var error = Assert.Throws<ExpressionException>(() => expression.Evaluate(new ExpressionScope(), CancellationToken.None));
        Assert.Contains("nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PathResult_IsACopyTheCallerOwns()
    {
        var scope = new ExpressionScope();
        scope.Set("a", JsonNode.Parse("""{"list":[1]}"""));
        var value = CompiledExpression.TryParse("{{ a.list }}", out _)!.Evaluate(scope, CancellationToken.None)!;
        value.AsArray().Add(2);

        Assert.True(scope.TryGet("a", out var original));
        Assert.Equal("""{"list":[1]}""", original!.ToJsonString());
    }

    private static System.Text.Json.JsonValueKind JsonValueKindOf(JsonNode? node) => node!.GetValueKind();
}
