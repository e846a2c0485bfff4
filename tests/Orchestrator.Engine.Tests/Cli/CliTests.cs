using System.Text.Json.Nodes;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

public sealed class CliTests
{
    private static string Write(string folder, string name, string yaml)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Run_InvalidWorkflow_PrintsPositionedErrorsAndExits2()
    {
        using var cli = new CliRunner();
        var file = Write(Path.GetDirectoryName(cli.Store)!, "bad.yaml", "document: { name: bad, version: 1.0.0 }\ndo:\n  - a: { call: greet, retries: 3 }\n");

        var (exit, _, stderr) = await cli.RunAsync("run", file, "--store", cli.Store);

        Assert.Equal(2, exit);
        Assert.Contains("bad.yaml:3:23: error: unknown key 'retries' in call step 'a'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadInputJson_Exits2WithoutStackTrace()
    {
        using var cli = new CliRunner();
        var (exit, _, stderr) = await cli.RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--input", "{nope", "--store", cli.Store);

        Assert.Equal(2, exit);
        Assert.Contains("--input is not valid JSON", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputViolatesSchema_Exits1AndRunIsStoredWithHistory()
    {
        using var cli = new CliRunner();
        var (exit, _, stderr) = await cli.RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--input", """{"name": 5}""", "--store", cli.Store);

        Assert.Equal(1, exit);
        var error = JsonNode.Parse(stderr[stderr.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.Equal("validation", error["type"]!.GetValue<string>());
        var runId = error["runId"]!.GetValue<string>();

        var (showExit, show, _) = await cli.RunAsync("runs", "show", runId[..10], "--store", cli.Store);
        Assert.Equal(0, showExit);
        Assert.Contains("failed", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_AfterARun_ListsItAndShowsStepsWithMetrics()
    {
        using var cli = new CliRunner();
        await cli.RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--store", cli.Store, "--quiet");

        var (exit, list, _) = await cli.RunAsync("runs", "--store", cli.Store);
        Assert.Equal(0, exit);
        Assert.Contains("hello@1.0.0", list, StringComparison.Ordinal);
        var runId = list.Split('\n')[1].Split(' ')[0];

        var (_, show, _) = await cli.RunAsync("runs", "show", runId, "--store", cli.Store);
        Assert.Contains("greeting", show, StringComparison.Ordinal);
        Assert.Contains("cold start: no", show, StringComparison.Ordinal);
        Assert.Contains("| greeting world", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenFile_Exits1WithOneLinePerProblem()
    {
        using var cli = new CliRunner();
        var file = Write(Path.GetDirectoryName(cli.Store)!, "broken.yaml", "document: { name: broken, version: 1 }\ndo:\n  - a: { wait: soon }\n  - a: { set: 1 }\n");

        var (exit, _, stderr) = await cli.RunAsync("validate", file);

        Assert.Equal(1, exit);
        var lines = stderr.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"broken\.yaml:\d+:\d+: error: ", line));
    }

    [Fact]
    public async Task UnknownCommand_Exits2()
    {
        using var cli = new CliRunner();
        var (exit, _, stderr) = await cli.RunAsync("frobnicate");

        Assert.Equal(2, exit);
        Assert.Contains("unknown command 'frobnicate'", stderr, StringComparison.Ordinal);
    }
}
