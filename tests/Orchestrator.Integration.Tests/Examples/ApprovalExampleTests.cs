using System.Text.Json.Nodes;
using Orchestrator.Integration.Tests.Support;
using RabbitMQ.Client;

namespace Orchestrator.Integration.Tests.Examples;

/// <summary>
/// <c>workflows/approval</c> as docs/distributed.md runs it: <c>orchestrator run … --rabbitmq</c> waits in its listen
/// until <c>orchestrator publish approval.decisions …</c> sends the decision for its order.
/// </summary>
[Collection(BrokerTests.Name)]
public sealed class ApprovalExampleTests(BrokerFixture broker) : IAsyncLifetime
{
    private static readonly string[] Queues = ["approval.requests", "approval.decisions", "approval.decisions.dead"];
    private readonly string _store = Path.Combine(Directory.CreateTempSubdirectory("orchestrator-approval-").FullName, "runs.db");

    [Fact]
    public async Task Approval_WaitsForTheDecisionOfItsOrder_PublishedFromTheCommandLine()
    {
        var address = broker.Address.ToString();
        var example = Path.Combine(RepositoryRoot(), "workflows", "approval", "approval.yaml");
        var run = CliRunner.RunAsync(CancellationToken.None, "run", example, "--input", """{"order_id": "A-7", "amount": 1200}""", "--rabbitmq", address, "--store", _store, "--quiet");
        for (var i = 0; i < 600 && !run.IsCompleted && await CountAsync("approval.requests") == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.False(run.IsCompleted, run.IsCompleted ? (await run).Stderr : "");
        Assert.Equal(1u, await CountAsync("approval.requests"));

        // A decision for another order is kept for it; this run takes only its own.
        await CliRunner.RunAsync(CancellationToken.None, "publish", "approval.decisions", """{"order_id": "B-1", "approved": false}""", "--rabbitmq", address);
        var (exit, stdout, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", "approval.decisions", """{"order_id": "A-7", "approved": true, "by": "kim"}""", "--rabbitmq", address);
        Assert.True(exit == 0, stderr);
        var finished = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(finished.Exit == 0, finished.Stderr);
        var output = JsonNode.Parse(finished.Stdout)!;
        Assert.Equal("A-7", output["order_id"]!.GetValue<string>());
        Assert.True(output["approved"]!.GetValue<bool>());
        Assert.Equal("kim", output["by"]!.GetValue<string>());
        var (_, inbox, _) = await CliRunner.RunAsync(CancellationToken.None, "inbox", "--store", _store);
        Assert.Contains("\"order_id\":\"B-1\"", inbox, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => DeleteQueuesAsync();

    public async Task DisposeAsync()
    {
        await DeleteQueuesAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_store)!, recursive: true);
    }

    private async Task<uint> CountAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = broker.Address };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    private async Task DeleteQueuesAsync()
    {
        var factory = new ConnectionFactory { Uri = broker.Address };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in Queues)
        {
            await channel.QueueDeleteAsync(queue);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orchestrator.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Orchestrator.sln not found above the test binaries");
    }
}
