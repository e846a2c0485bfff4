using System.Text.Json.Nodes;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Examples;

/// <summary>Every example in workflows/ runs, through the CLI, and answers what its README promises.</summary>
public sealed class ExampleWorkflowTests
{
    [Fact]
    public async Task Hello_WithName_PrintsGreeting()
    {
        using var cli = new CliRunner();
        var (exit, stdout, _) = await cli.RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--input", """{"name":"Ada"}""", "--store", cli.Store);

        Assert.Equal(0, exit);
        Assert.Equal("""{"message":"Hello, Ada!"}""", JsonNode.Parse(stdout)!.ToJsonString());
    }

    [Fact]
    public async Task Hello_WithoutInput_GreetsTheWorld()
    {
        using var cli = new CliRunner();
        var (exit, stdout, _) = await cli.RunAsync("run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--store", cli.Store);

        Assert.Equal(0, exit);
        Assert.Equal("""{"message":"Hello, world!"}""", JsonNode.Parse(stdout)!.ToJsonString());
    }

    [Fact]
    public async Task Orders_ExpressOrder_UsesEveryTaskAndPrintsReceipt()
    {
        using var cli = new CliRunner();
        var (exit, stdout, stderr) = await cli.RunAsync(
            "run", RepositoryRoot.Combine("workflows", "orders", "orders.yaml"),
            "--input", "@" + RepositoryRoot.Combine("workflows", "orders", "order.json"),
            "--store", cli.Store);

        Assert.True(exit == 0, stderr);
        var output = JsonNode.Parse(stdout)!;
        Assert.Equal("A-1001", output["orderId"]!.GetValue<string>());
        Assert.Equal(67m, output["subtotal"]!.GetValue<decimal>());
        Assert.Equal("rocket", output["shipping"]!["carrier"]!.GetValue<string>());
        Assert.True(output["charged"]!.GetValue<bool>());
        Assert.Contains("10 x pen @ 1.2 = 12", output["receipt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("cancelled express/snail", stderr, StringComparison.Ordinal);
        Assert.Contains("retrying  payment/charge", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_StandardOrder_ShipsThroughTheSubWorkflow()
    {
        using var cli = new CliRunner();
        var (exit, stdout, stderr) = await cli.RunAsync(
            "run", RepositoryRoot.Combine("workflows", "orders", "orders.yaml"),
            "--input", """{"orderId":"B-2","items":[{"sku":"desk","quantity":1}]}""",
            "--store", cli.Store);

        Assert.True(exit == 0, stderr);
        Assert.Equal("standard-post", JsonNode.Parse(stdout)!["shipping"]!["carrier"]!.GetValue<string>());
        Assert.Contains("skipped   audit", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_TooLarge_FailsWithTypedErrorAndExitCode1()
    {
        using var cli = new CliRunner();
        var (exit, _, stderr) = await cli.RunAsync(
            "run", RepositoryRoot.Combine("workflows", "orders", "orders.yaml"),
            "--input", """{"orderId":"C-3","items":[{"sku":"desk","quantity":10}]}""",
            "--store", cli.Store);

        Assert.Equal(1, exit);
        Assert.Contains("\"type\": \"order-too-large\"", stderr, StringComparison.Ordinal);
        Assert.Contains("\"step\": \"tooLarge\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AllExamples_ExitsZero()
    {
        using var cli = new CliRunner();
        var (exit, stdout, stderr) = await cli.RunAsync("validate", RepositoryRoot.Combine("workflows"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("workflow(s) valid", stdout, StringComparison.Ordinal);
    }
}
