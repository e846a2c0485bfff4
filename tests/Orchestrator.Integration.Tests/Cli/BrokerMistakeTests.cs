using Orchestrator.Integration.Tests.Support;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Transport.RabbitMq.Publishing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Integration.Tests.Cli;

/// <summary>
/// A user's mistake about the broker (its address, login, virtual host, a queue name it refuses) or about serve's
/// options is one line and exit 1 (failed) or 2 (bad usage), never a stack trace.
/// </summary>
[Collection(BrokerTests.Name)]
public sealed class BrokerMistakeTests(BrokerFixture broker)
{
    [Theory]
    [InlineData("", "a queue name cannot be blank")]
    [InlineData("amq.foo", "queue name 'amq.foo' starts with 'amq.', which RabbitMQ reserves")]
    public async Task Publish_QueueRabbitMqRefuses_IsBadUsage(string queue, string expected)
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", queue, "{}", "--rabbitmq", broker.Address.ToString());

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--type")]
    [InlineData("--source")]
    public async Task Publish_TypeOrSourceWithoutCloudEvent_IsBadUsage(string option)
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", "q", "{}", option, "x", "--rabbitmq", broker.Address.ToString());

        Assert.Equal(2, exit);
        Assert.Contains($"{option} needs --cloudevent", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_UnknownVirtualHost_FailsWithOneLine()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", "q", "{}", "--rabbitmq", WithVirtualHost("novhost"));

        Assert.Equal(1, exit);
        Assert.Contains("refused the virtual host 'novhost' (NOT_ALLOWED - vhost novhost not found)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WrongPassword_SaysTheLoginWasRefused()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "publish", "q", "{}", "--rabbitmq", WithPassword("not-the-password"));

        Assert.Equal(1, exit);
        Assert.Contains("refused the login of user", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no RabbitMQ answers", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnknownVirtualHost_FailsWithOneLine()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync(CancellationToken.None, "serve", "--role", "worker", "--rabbitmq", WithVirtualHost("novhost"), "--quiet");

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("cannot serve: RabbitMQ at", stderr, StringComparison.Ordinal);
        Assert.Contains("NOT_ALLOWED - vhost novhost not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WrongPassword_SaysTheLoginWasRefused()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "serve", "--role", "worker", "--rabbitmq", WithPassword("nope"), "--quiet");

        Assert.Equal(1, exit);
        Assert.Contains("refused the login of user", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WorkflowTriggeredByAReservedQueue_IsRefusedBeforeConnecting()
    {
        using var folder = new TempFolder();
        var file = Write(folder, "bad.yaml", "document: { name: bad, version: 1.0.0 }\non:\n  - queue: amq.bad\ndo:\n  - s: { set: 1 }\n");

        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "serve", file, "--role", "engine", "--rabbitmq", broker.Address.ToString(), "--store", folder.File("runs.db"), "--quiet");

        Assert.Equal(2, exit);
        Assert.Contains("bad.yaml:3:12: error: queue name 'amq.bad' starts with 'amq.'", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "--prefix cannot be empty")]
    [InlineData("amq.mine", "'amq.mine' starts with 'amq.'")]
    [InlineData("pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp", "--prefix is too long: at most 200 bytes")]
    public async Task Serve_PrefixRabbitMqWouldRefuse_IsBadUsage(string prefix, string expected)
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "serve", "--role", "worker", "--prefix", prefix, "--rabbitmq", broker.Address.ToString(), "--quiet");

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MissingFunctionsFolder_IsBadUsage()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(CancellationToken.None, "serve", "--role", "worker", "--functions", "/no/such/functions", "--rabbitmq", broker.Address.ToString(), "--quiet");

        Assert.Equal(2, exit);
        Assert.Contains("no such folder: /no/such/functions (--functions)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_FunctionsGivenAsTheFolderAboveFunctions_FindsTheManifests()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        Write(folder, "functions/shout/function.yaml", "name: shout\nruntime: python\nhandler: handler.py:handle\nscale: { min: 0, max: 3 }\n");
        Write(folder, "functions/shout/handler.py", "def handle(input, context):\n    return input\n");
        scope.Functions([.. Orchestrator.Cli.FunctionCatalog.Create().Names, "shout"]);
        using var stop = new CancellationTokenSource();

        // The folder that holds functions/, as `serve --functions workflows/signup` would be written.
        var serving = CliRunner.RunAsync(stop.Token, "serve", "--role", "worker", "--functions", folder.Path, "--prefix", scope.Prefix, "--rabbitmq", scope.Address.ToString());
        foreach (var function in Orchestrator.Cli.FunctionCatalog.Create().Names.Append("shout"))
        {
            // Every function consumed: the worker has started (a stop before that ends the start instead).
            await WaitForConsumerAsync($"{scope.Prefix}.fn.{function}", serving);
        }

        await stop.CancelAsync();
        var (exit, stdout, stderr) = await serving.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("warning", stderr, StringComparison.Ordinal);
        Assert.Contains($"worker.consuming queue={scope.Prefix}.fn.shout prefetch=3", stderr, StringComparison.Ordinal);
        Assert.Matches(@"\d\d:\d\d:\d\d\.\d\d\d runtime\.stopping drain=30s", stderr);
        Assert.EndsWith("stopped\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_FunctionsFolderWithoutManifests_WarnsAndServes()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions([.. Orchestrator.Cli.FunctionCatalog.Create().Names]);
        using var folder = new TempFolder();
        using var stop = new CancellationTokenSource();

        var serving = CliRunner.RunAsync(stop.Token, "serve", "--role", "worker", "--functions", folder.Path, "--prefix", scope.Prefix, "--rabbitmq", scope.Address.ToString(), "--quiet");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        var (exit, _, stderr) = await serving.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        Assert.Contains($"warning: --functions {folder.Path} holds no function.yaml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_OfAReservedQueueDeclaration_IsDescribedInOneLine()
    {
        await using var publisher = await RabbitMqPublisher.ConnectAsync(broker.Address);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => publisher.PublishAsync("amq.refused", new byte[] { 1 }, null, null, null));

        Assert.Equal($"RabbitMQ at {RabbitMqAddress.Redact(broker.Address)} refused: ACCESS_REFUSED - queue name 'amq.refused' contains reserved prefix 'amq.*'", RabbitMqFailure.Describe(ex, broker.Address));
    }

    [Fact]
    public void Failure_ThatIsNotTheBrokers_IsNotDescribed()
    {
        Assert.Null(RabbitMqFailure.Describe(new InvalidOperationException("a bug"), broker.Address));
    }

    private static string Write(TempFolder folder, string name, string text)
    {
        var path = folder.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task WaitForConsumerAsync(string queue, Task serving)
    {
        await using var connection = await new ConnectionFactory { Uri = broker.Address }.CreateConnectionAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!serving.IsCompleted && DateTime.UtcNow < deadline)
        {
            // A passive declaration of a queue not declared yet closes its channel: one channel per look.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                if ((await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount > 0)
                {
                    return;
                }
            }
            catch (OperationInterruptedException)
            {
                // Not declared yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no consumer on {queue}");
    }

    private string WithVirtualHost(string vhost) => new UriBuilder(broker.Address) { Path = "/" + vhost }.Uri.ToString();

    private string WithPassword(string password) => new UriBuilder(broker.Address) { Password = password }.Uri.ToString();
}
