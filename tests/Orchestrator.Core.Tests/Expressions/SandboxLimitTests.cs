using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Tests.Expressions;

/// <summary>The limits docs/workflows.md ("Sandbox") promises; breaking one is an <see cref="ExpressionException"/>.</summary>
public sealed class SandboxLimitTests
{
    private static JsonNode? Evaluate(string text, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        var scope = new ExpressionScope();
        scope.Set("input", input ?? new JsonObject());
        var expression = CompiledExpression.TryParse(text, out var error);
        Assert.True(expression is not null, error);
        return expression.Evaluate(scope, cancellationToken);
    }

    // Scriban ranges also count down (2..1 is 2, 1), so one level is written on its own.
    private static string Nested(int levels) =>
        levels == 1 ? "{{ o = {}; o }}" : "{{ o = {}; for i in 2.." + levels + "; o = {a: o}; end; o }}";

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public void TypedValue_UpTo256Levels_IsAccepted(int levels)
    {
        var value = Evaluate(Nested(levels));

        var depth = 0;
        for (var node = value; node is JsonObject obj; node = obj["a"])
        {
            depth++;
        }

        Assert.Equal(levels, depth);
    }

    [Theory]
    [InlineData("{{ o = {}; for i in 2..257; o = {a: o}; end; o }}")]
    [InlineData("{{ o = []; for i in 2..257; o = [o]; end; o }}")]
    [InlineData("{{ o = {}; for i in 2..257; o = {a: [1, o]}; end; o }}")]
    public void TypedValue_DeeperThan256Levels_Fails(string text)
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluate(text));

        Assert.Contains("nested more than 256 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypedValue_ThatContainsItself_FailsInsteadOfOverflowingTheStack()
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluate("{{ o = {}; o.self = o; o }}"));

        Assert.Contains("nested more than 256 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_OfAValueNested256Levels_Renders()
    {
        var text = Evaluate("x{{ o = 1; for i in 1..256; o = [o]; end; o }}")!.GetValue<string>();

        Assert.StartsWith("x[[[", text, StringComparison.Ordinal);
    }

    // Each value rendered into text must stay under 1,000,000 characters, so 4 × 999,999 + 4 is exactly the limit.
    private const string FourMillion = "{{ s = 'x' | string.pad_left 999999; s }}{{ s }}{{ s }}{{ s }}abcd";

    [Fact]
    public void Text_Over4MillionCharacters_FailsInsteadOfBeingCut()
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluate(FourMillion + "e"));

        Assert.EndsWith("failed: Rendered output exceeds OutputLimit `4000000`.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_Of4MillionCharacters_IsKeptWhole()
    {
        var text = Evaluate(FourMillion)!.GetValue<string>();

        Assert.Equal(4_000_000, text.Length);
        Assert.EndsWith("xabcd", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x{{ s = 'x' | string.pad_left 600000; s + s }}")]
    [InlineData("x{{ 'x' | string.pad_left 1000000 }}")]
    public void ValueRenderedAsText_Of1MillionCharactersOrMore_FailsInsteadOfBeingCut(string text)
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluate(text));

        Assert.EndsWith("failed: String conversion reaches LimitToString `1000000`.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ for i in 1..200; for j in 1..200; end; end; 1 }}")]
    [InlineData("{{ for i in 1..5000; end; for j in 1..5001; end; for k in 1..10001; end; 1 }}")]
    [InlineData("{{ i = 0; while true; i = i + 1; end }}")]
    public void Loops_OverTheIterationLimit_Fail(string text)
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluate(text));

        Assert.Contains("10000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loops_SiblingLoopsEachUnderTheLimit_AreAccepted()
    {
        Assert.Equal("1", Evaluate("{{ for i in 1..6000; end; for j in 1..6000; end; 1 }}")!.ToJsonString());
    }

    [Fact]
    public void CatastrophicRegex_IsStoppedAtTheTimeLimit()
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => Evaluate("{{ regex.match 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' '(a+)+$' }}"));

        Assert.EndsWith("failed: the expression ran longer than 2s (the sandbox limit)", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("{{ func f(n); if n > 0; f(n - 1); f(n - 1); end; end; f(60) }}")]
    [InlineData("x{{ func f(n); if n > 0; f(n - 1); f(n - 1); end; end; f(60) }}")]
    public void CpuBoundScript_IsStoppedWithTheTimeLimitMessage(string text)
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluate(text));

        Assert.Equal($"expression '{text}' failed: the expression ran longer than 2s (the sandbox limit)", error.Message);
    }

    [Fact]
    public void CancellingTheRun_IsReportedAsCancellation_NotAsTheSandboxLimit()
    {
        using var run = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var error = Assert.ThrowsAny<OperationCanceledException>(() => Evaluate("{{ func f(n); if n > 0; f(n - 1); f(n - 1); end; end; f(60) }}", null, run.Token));

        Assert.Equal(run.Token, error.CancellationToken);
    }
}
