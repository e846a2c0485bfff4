using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Interpreter;

public sealed class ExpressionTests
{
    private static async Task<string> EvaluateAsync(string value, string input = "{}")
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync($$"""
            document: { name: t, version: 1.0.0 }
            do:
              - v:
                  set: {{value}}
            """, input);
        Assert.Equal(RunStatus.Completed, result.Status);
        return result.Output?.ToJsonString() ?? "null";
    }

    [Theory]
    [InlineData("\"{{ 1 + 2 }}\"", "3")]
    [InlineData("\"{{ 0.5 * 3 }}\"", "1.5")]
    [InlineData("\"{{ input.flag }}\"", "true")]
    [InlineData("\"{{ input.flag == false }}\"", "false")]
    [InlineData("\"{{ input.user }}\"", """{"name":"Ada","tags":["a","b"]}""")]
    [InlineData("\"{{ input.user.tags }}\"", """["a","b"]""")]
    [InlineData("\"{{ input.missing }}\"", "null")]
    [InlineData("\"{{ input.user.name | string.upcase }}\"", "\"ADA\"")]
    [InlineData("\"n={{ 1 + 2 }}\"", "\"n=3\"")]
    [InlineData("\"{{ input.user.name }} and {{ input.flag }}\"", "\"Ada and true\"")]
    [InlineData("plain text", "\"plain text\"")]
    [InlineData("\"7\"", "\"7\"")]
    [InlineData("7", "7")]
    [InlineData("{ a: \"{{ 2 * 2 }}\", b: [\"{{ input.flag }}\", x] }", """{"a":4,"b":[true,"x"]}""")]
    public async Task Expression_WholeStringKeepsJsonType_MixedTextInterpolates(string yamlValue, string expected)
    {
        var output = await EvaluateAsync(yamlValue, """{"flag":true,"user":{"name":"Ada","tags":["a","b"]}}""");

        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task Expression_UnknownName_FailsRunWithExpressionErrorNamingTheStep()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - v:
                  set: "{{ nosuchthing.value }}"
            """);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("expression", result.Error!.Type);
        Assert.Contains("nosuchthing", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal("v", result.FailedStep);
        var history = await harness.HistoryAsync(result.RunId);
        Assert.Equal(HistoryEventKind.RunStarted, history[0].Kind);
        Assert.Contains(history, e => e.Kind == HistoryEventKind.StepFailed);
        Assert.Equal(HistoryEventKind.RunFailed, history[^1].Kind);
    }

    [Fact]
    public async Task Expression_NoDotNetMemberAccess_InSandbox()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - v:
                  set: "{{ input.text.Length }}"
            """, """{"text":"abc"}""");

        // A .NET string's members are invisible: the member access yields null, not 3.
        Assert.Equal("null", result.Output?.ToJsonString() ?? "null");
    }

    [Fact]
    public async Task Expression_InfiniteLoop_IsStoppedByTheLoopLimit()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            do:
              - v:
                  set: "{{ while true; end; 1 }}"
            """);

        Assert.Equal("expression", result.Error!.Type);
    }

    [Fact]
    public async Task Template_File_RendersWithStepResults()
    {
        await using var harness = new EngineHarness();
        var workflow = TestWorkflows.Parse("""
            document: { name: t, version: 1.0.0 }
            do:
              - hi:
                  call: greet
                  with: { name: Ada }
              - body:
                  set: { template: mail.sbn }
            """, new Dictionary<string, string> { ["mail.sbn"] = "Dear {{ input.who }}, {{ hi.message }}" });
        var result = await harness.RunAsync(workflow, """{"who":"Ada"}""");

        Assert.Equal("\"Dear Ada, Hello, Ada!\"", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Secrets_DeclaredAndSet_AreInScope()
    {
        await using var harness = new EngineHarness(secrets: name => name == "API_KEY" ? "s3cret" : null);
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            secrets: [API_KEY]
            do:
              - v:
                  set: "{{ secrets.API_KEY | string.size }}"
            """);

        Assert.Equal("6", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Secrets_DeclaredButMissing_FailsWithConfigurationError()
    {
        await using var harness = new EngineHarness();
        var result = await harness.RunAsync("""
            document: { name: t, version: 1.0.0 }
            secrets: [API_KEY]
            do:
              - v: { set: 1 }
            """);

        Assert.Equal("configuration", result.Error!.Type);
    }
}
