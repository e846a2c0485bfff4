using Orchestrator.Engine.Tests.Support;
using Orchestrator.Stores.Tests.Support;

namespace Orchestrator.Stores.Tests;

/// <summary>The CLI with <c>--store postgresql://…</c>: run, runs, runs show and inbox on a fresh database.</summary>
public sealed class CliTests : DatabaseTest
{
    // These tests are about the embedded deployment: a broker named in the environment must not move their runs onto RabbitMQ.
    static CliTests() => Environment.SetEnvironmentVariable("ORCHESTRATOR_RABBITMQ", null);

    [Fact]
    public async Task Run_WithPostgresUrl_RunsAndRunsListsAndShowsIt()
    {
        var (exit, stdout, stderr) = await RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--input", """{"name": "Ada"}""", "--store", Db.Url);

        Assert.True(exit == 0, stderr);
        Assert.Contains("Hello, Ada!", stdout, StringComparison.Ordinal);
        var runId = stderr.Split('\n')[0].Replace("run ", "", StringComparison.Ordinal).Trim();
        Assert.Equal(32, runId.Length);

        var (listExit, list, _) = await RunAsync("runs", "--store", Db.Url);
        Assert.Equal(0, listExit);
        Assert.Contains(runId, list, StringComparison.Ordinal);
        Assert.Contains("hello@1.0.0", list, StringComparison.Ordinal);
        Assert.Contains("completed", list, StringComparison.Ordinal);

        var (showExit, show, _) = await RunAsync("runs", "show", runId[..10], "--store", Db.Url);
        Assert.Equal(0, showExit);
        Assert.Contains("greeting", show, StringComparison.Ordinal);

        var (inboxExit, inbox, _) = await RunAsync("inbox", "--store", Db.Url);
        Assert.Equal(0, inboxExit);
        Assert.Equal("the inbox is empty", inbox.Trim());
    }

    [Fact]
    public async Task Runs_StoreVariableNamesPostgresUrl_IsUsed()
    {
        await RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--store", Db.Url, "--quiet");
        var before = Environment.GetEnvironmentVariable("ORCHESTRATOR_STORE");
        Environment.SetEnvironmentVariable("ORCHESTRATOR_STORE", Db.Url);
        try
        {
            var (exit, list, _) = await RunAsync("runs");
            Assert.Equal(0, exit);
            Assert.Contains("hello@1.0.0", list, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ORCHESTRATOR_STORE", before);
        }
    }

    [Fact]
    public async Task Runs_DatabaseDoesNotExist_OneLineErrorAndExit1()
    {
        var missing = Db.Url[..(Db.Url.LastIndexOf('/') + 1)] + "no_such_database";

        var (exit, _, stderr) = await RunAsync("runs", "--store", missing);

        Assert.Equal(1, exit);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("no_such_database", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var cli = new CliRunner();
        return await cli.RunAsync(args);
    }
}
