using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

/// <summary>emit and listen from the command line, without a broker, and the inbox they leave behind.</summary>
public sealed class EventsCliTests
{
    private const string PingPong = """
        document: { name: pingpong, version: 1.0.0 }
        do:
          - both:
              fork:
                branches:
                  - waiter:
                      listen:
                        to: pings
                        type: ping
                        correlate: { key: "{{ message.data.n }}", equals: 2 }
                      timeout: 10s
                  - sender:
                      do:
                        - one:
                            emit: { to: pings, event: { type: ping, data: { n: 1 } } }
                        - two:
                            emit: { to: pings, event: { type: ping, data: { n: 2 } } }
          - out:
              output: "{{ both.waiter.data }}"
        """;

    [Fact]
    public async Task Run_ListenReceivesTheMatchingEmitOfItsOwnRun_AndInboxShowsTheOther()
    {
        using var cli = new CliRunner();
        var file = Path.Combine(Path.GetDirectoryName(cli.Store)!, "pingpong.yaml");
        await File.WriteAllTextAsync(file, PingPong);

        var (exit, stdout, stderr) = await cli.RunAsync("run", file, "--store", cli.Store, "--quiet");
        Assert.True(exit == 0, stderr);
        Assert.Equal("""{"n":2}""", System.Text.Json.Nodes.JsonNode.Parse(stdout)!.ToJsonString());

        var (inboxExit, inbox, _) = await cli.RunAsync("inbox", "--store", cli.Store);
        Assert.Equal(0, inboxExit);
        var lines = inbox.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains("pings", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("ping  {\"n\":1}", lines[1].TrimEnd(), StringComparison.Ordinal);

        var (_, none, _) = await cli.RunAsync("inbox", "--store", cli.Store, "--channel", "other");
        Assert.Equal("no message waits on 'other'", none.Trim());

        var id = lines[1].Split(' ')[0];
        var (missingExit, _, missing) = await cli.RunAsync("inbox", "delete", id, "99999", "--store", cli.Store);
        Assert.Equal(1, missingExit);
        Assert.Contains("no message 99999 in the inbox", missing, StringComparison.Ordinal);

        var (_, empty, _) = await cli.RunAsync("inbox", "--store", cli.Store);
        Assert.Equal("the inbox is empty", empty.Trim());
    }

    [Fact]
    public async Task InboxDelete_ByChannel_PrintsEachMessageWholeThenDeletesIt()
    {
        using var cli = new CliRunner();
        var file = Path.Combine(Path.GetDirectoryName(cli.Store)!, "pingpong.yaml");
        await File.WriteAllTextAsync(file, PingPong);
        await cli.RunAsync("run", file, "--store", cli.Store, "--quiet");

        var (exit, stdout, _) = await cli.RunAsync("inbox", "delete", "--channel", "pings", "--store", cli.Store);

        Assert.Equal(0, exit);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        var deleted = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        Assert.Equal("pings", deleted["channel"]!.GetValue<string>());
        Assert.Equal(1, deleted["message"]!["data"]!["n"]!.GetValue<int>());
        Assert.Equal("deleted 1 message(s)", lines[1]);
        Assert.Equal("the inbox is empty", (await cli.RunAsync("inbox", "--store", cli.Store)).Stdout.Trim());
    }
}
