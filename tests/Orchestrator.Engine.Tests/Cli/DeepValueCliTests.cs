using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

/// <summary>
/// Values nested deeper than System.Text.Json's default of 64 levels: they used to crash <c>run</c> (printing) and then
/// <c>runs</c> (reading the store back). Up to <see cref="JsonLimits.MaxDepth"/> they work; beyond it the step fails.
/// </summary>
public sealed class DeepValueCliTests
{
    private static string Workflow(CliRunner cli, int depth)
    {
        var path = Path.Combine(Path.GetDirectoryName(cli.Store)!, "deep.yaml");
        File.WriteAllText(path, $$$"""
            document: { name: deep, version: 1.0.0 }
            do:
              - nest:
                  set: "{{ o = {}; for i in 1..{{{depth}}}; o = {a: o}; end; o }}"
              - done:
                  output: "{{ nest }}"
            """);
        return path;
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("""{"a":""", depth)) + "1" + new string('}', depth);

    [Fact]
    public async Task Run_ResultNested70Levels_PrintsItAndRunsCanReadItBack()
    {
        using var cli = new CliRunner();

        var (exit, stdout, stderr) = await cli.RunAsync("run", Workflow(cli, 70), "--store", cli.Store, "--quiet");

        Assert.True(exit == 0, stderr);
        Assert.Contains("\"a\"", stdout, StringComparison.Ordinal);
        var (listExit, list, _) = await cli.RunAsync("runs", "--store", cli.Store);
        Assert.Equal(0, listExit);
        var runId = list.Split('\n')[1].Split(' ')[0];
        var (showExit, show, _) = await cli.RunAsync("runs", "show", runId, "--store", cli.Store);
        Assert.Equal(0, showExit);
        Assert.Contains("nest", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ResultDeeperThanMaximum_FailsWithExpressionErrorAndStoreStaysReadable()
    {
        using var cli = new CliRunner();

        var (exit, _, stderr) = await cli.RunAsync("run", Workflow(cli, JsonLimits.MaxDepth + 10), "--store", cli.Store, "--quiet");

        Assert.Equal(1, exit);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        var error = JsonNode.Parse(stderr[stderr.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.Equal("expression", error["type"]!.GetValue<string>());
        Assert.Equal("nest", error["step"]!.GetValue<string>());
        Assert.Contains($"more than {JsonLimits.MaxDepth} levels", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (showExit, show, _) = await cli.RunAsync("runs", "show", error["runId"]!.GetValue<string>(), "--store", cli.Store);
        Assert.Equal(0, showExit);
        Assert.Contains("failed", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputDeeperThanMaximum_FailsWithValidationErrorAndStoreStaysReadable()
    {
        using var cli = new CliRunner();
        var input = Nested(JsonLimits.MaxDepth + 1);

        var (exit, _, stderr) = await cli.RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--input", input, "--store", cli.Store, "--quiet");

        Assert.Equal(1, exit);
        var error = JsonNode.Parse(stderr[stderr.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.Equal("validation", error["type"]!.GetValue<string>());
        var (listExit, _, _) = await cli.RunAsync("runs", "--store", cli.Store);
        Assert.Equal(0, listExit);
    }
}
