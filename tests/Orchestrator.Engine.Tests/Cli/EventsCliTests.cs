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
    }
}
