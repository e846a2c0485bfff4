using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

/// <summary>
/// <c>--store postgresql://…</c> when no database answers: one line and exit code 1, never a stack trace. (The
/// PostgreSQL store itself is tested against a server in tests/Orchestrator.Stores.Tests.)
/// </summary>
public sealed class StoreUrlTests
{
    // Port 1 on loopback: nothing listens there, so connecting is refused at once.
    private const string Nowhere = "postgresql://orchestrator:s3cret@127.0.0.1:1/orchestrator";

    [Theory]
    [InlineData("runs")]
    [InlineData("inbox")]
    [InlineData("run")]
    public async Task Command_PostgresUrlNothingAnswers_OneLineErrorExit1PasswordHidden(string command)
    {
        using var cli = new CliRunner();
        string[] args = command == "run"
            ? ["run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--store", Nowhere, "--quiet"]
            : [command, "--store", Nowhere];

        var (exit, stdout, stderr) = await cli.RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("orchestrator: cannot open the run store postgresql://orchestrator:***@127.0.0.1:1/orchestrator: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_PostgresUrlUnreadable_IsBadUsage()
    {
        using var cli = new CliRunner();

        var (exit, _, stderr) = await cli.RunAsync("runs", "--store", "postgresql://ada@db/runs?no_such_keyword=1");

        Assert.Equal(2, exit);
        Assert.Contains("no_such_keyword", stderr, StringComparison.Ordinal);
    }
}
