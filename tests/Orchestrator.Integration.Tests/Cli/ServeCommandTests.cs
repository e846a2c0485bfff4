using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Integration.Tests.Cli;

[Collection(BrokerTests.Name)]
public sealed class ServeCommandTests(BrokerFixture broker)
{
    [Fact]
    public async Task Serve_PublishedMessageStartsARun_AndCtrlCStopsCleanly()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("greetings");
        scope.Functions([.. Orchestrator.Cli.FunctionCatalog.Create().Names]);
        var folder = Directory.CreateTempSubdirectory("orchestrator-serve-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "greeting.yaml"), $$$"""
                document: { name: greeting, version: 1.0.0 }
                input:
                  schema: { type: object, required: [name] }
                on:
                  - queue: {{{queue}}}
                do:
                  - hello: { call: greet, with: { name: "{{ input.name }}" } }
                """);
            var store = Path.Combine(folder.FullName, "runs.db");
            using var stop = new CancellationTokenSource();
            var serving = CliRunner.RunAsync(stop.Token, "serve", folder.FullName, "--role", "all", "--rabbitmq", scope.Address.ToString(), "--prefix", scope.Prefix, "--store", store, "--quiet");

            var (published, _, publishErrors) = await CliRunner.RunAsync(CancellationToken.None, "publish", queue, """{"name":"Ada"}""", "--rabbitmq", scope.Address.ToString());
            Assert.True(published == 0, publishErrors);

            // The run lands in serve's SQLite store; a second store reading the same file sees it.
            await using (var reader = new SqliteRunStore(store))
            {
                RunRecord? run = null;
                await Eventually.TrueAsync(
                    () =>
                    {
                        Assert.False(serving.IsCompleted, serving.IsCompleted ? serving.Result.Stderr : "");
                        var runs = reader.ListRunsAsync(10, CancellationToken.None).Result;
                        run = runs.Count > 0 ? runs[0] : null;
                        return run?.Status == RunStatus.Completed;
                    },
                    "the run started by the published message");
                Assert.Equal("Ada", run!.Input!["name"]!.GetValue<string>());
                Assert.Contains("Ada", run.Output!.ToJsonString(), StringComparison.Ordinal);
            }

            await stop.CancelAsync();
            var (exit, stdout, stderr) = await serving.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, stderr);
            Assert.Contains("serving (all)", stdout, StringComparison.Ordinal);
            Assert.Contains($"trigger {queue}: received=1 started=1", stdout, StringComparison.Ordinal);
            Assert.Contains("stopped", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Serve_WithoutBroker_IsBadUsageThatSaysHowToNameOne()
    {
        // The fixture has read the variable already; tests of this collection run one at a time.
        var configured = Environment.GetEnvironmentVariable("ORCHESTRATOR_RABBITMQ");
        Environment.SetEnvironmentVariable("ORCHESTRATOR_RABBITMQ", null);
        try
        {
            var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "serve", "--role", "worker");

            Assert.Equal(2, exit);
            Assert.Contains("ORCHESTRATOR_RABBITMQ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ORCHESTRATOR_RABBITMQ", configured);
        }
    }
}
