using System.Text.Json.Nodes;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Examples;

/// <summary>The examples with Python, Node and PHP functions, run through the CLI against the real interpreters.</summary>
public sealed class PolyglotExampleTests
{
    [Fact]
    public async Task Signup_DeliversTheRenderedWelcomeEmailToTheSmtpSink()
    {
        using var cli = new CliRunner();
        var mail = Path.Combine(Environment.CurrentDirectory, ".orchestrator", "mail");
        var before = Directory.Exists(mail) ? Directory.GetFiles(mail).ToHashSet() : [];

        var (exit, stdout, stderr) = await cli.RunAsync(
            "run", RepositoryRoot.Combine("workflows", "signup", "signup.yaml"),
            "--input", """{"email": "Grace@Example.com", "name": "Grace Hopper"}""",
            "--store", cli.Store);

        Assert.True(exit == 0, stderr);
        var output = JsonNode.Parse(stdout)!;
        Assert.Equal("welcomed", output["status"]!.GetValue<string>());
        Assert.Equal("grace@example.com", output["email"]!.GetValue<string>());
        var delivered = Directory.GetFiles(mail).Where(f => !before.Contains(f)).Select(File.ReadAllText).ToList();
        var message = Assert.Single(delivered, m => m.Contains("To: Grace Hopper <grace@example.com>", StringComparison.Ordinal));
        Assert.Contains("Subject: Welcome, Grace Hopper!", message, StringComparison.Ordinal);
        Assert.Contains("Hello Grace Hopper,", message, StringComparison.Ordinal);
        Assert.Contains("We are glad to have you.", message, StringComparison.Ordinal);
        Assert.Contains(output["messageId"]!.GetValue<string>(), message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signup_DisposableAddress_IsRejectedAsSpam()
    {
        using var cli = new CliRunner();
        var (exit, _, stderr) = await cli.RunAsync(
            "run", RepositoryRoot.Combine("workflows", "signup", "signup.yaml"),
            "--input", """{"email": "12345678@mailinator.com", "name": "12345678"}""",
            "--store", cli.Store);

        Assert.Equal(1, exit);
        Assert.Contains("\"type\": \"spam\"", stderr, StringComparison.Ordinal);
        Assert.Contains("disposable domain mailinator.com", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_MergesThreeBackendsInThreeLanguages()
    {
        using var cli = new CliRunner();
        var (exit, stdout, stderr) = await cli.RunAsync(
            "run", RepositoryRoot.Combine("workflows", "dashboard", "dashboard.yaml"), "--input", """{"userId": 42}""", "--store", cli.Store);

        Assert.True(exit == 0, stderr);
        var page = JsonNode.Parse(stdout)!;
        Assert.Equal("Hello, Ada!", page["title"]!.GetValue<string>());
        Assert.Equal("London", page["user"]!["city"]!.GetValue<string>());
        Assert.Equal(3, page["orders"]!.AsArray().Count);
        Assert.Equal(141, page["spent"]!.GetValue<int>());
        Assert.Equal("bronze", page["loyalty"]!["tier"]!.GetValue<string>());

        var runId = (await cli.RunAsync("runs", "--store", cli.Store)).Stdout.Split('\n')[1].Split(' ')[0];
        var (_, show, _) = await cli.RunAsync("runs", "show", runId, "--store", cli.Store);
        Assert.Contains("cold start: yes", show, StringComparison.Ordinal);
        Assert.Contains("instance: python-", show, StringComparison.Ordinal);
    }
}
