using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Functions;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Tests.DotNet;

/// <summary>How a C# function's typed input is bound from a step's <c>with:</c>.</summary>
public sealed class DotNetFunctionExecutorTests
{
    /// <summary>A required name, an optional title, a count with a default.</summary>
    public sealed record Input(string Name, string? Title, int Count = 1);

    private sealed class Describe : IFunction<Input, string>
    {
        public Task<string> InvokeAsync(Input input, FunctionContext context, CancellationToken cancellationToken) =>
            Task.FromResult($"{input.Title ?? "-"} {input.Name} x{input.Count}");
    }

    private static Task<InvocationOutcome> RunAsync(JsonNode? payload)
    {
        var registry = new FunctionRegistry().AddFunction("describe", new Describe());
        return TestFunctions.Executor(registry, "describe").ExecuteAsync(TestFunctions.Command("describe", payload), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_MissingNonNullableField_FailsWithSerialization()
    {
        var outcome = await RunAsync(new JsonObject());

        Assert.Equal(ErrorTypes.Serialization, outcome.Error?.Type);
        Assert.Contains("'name'", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.False(outcome.Error.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_NullForANonNullableField_FailsWithSerialization()
    {
        var outcome = await RunAsync(new JsonObject { ["name"] = null });

        Assert.Equal(ErrorTypes.Serialization, outcome.Error?.Type);
    }

    [Fact]
    public async Task ExecuteAsync_NullableAndDefaultedFieldsMissing_BindWithNullAndTheDefault()
    {
        var outcome = await RunAsync(new JsonObject { ["name"] = "Ada" });

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal("- Ada x1", outcome.Output!.GetValue<string>());
    }

    private sealed class EchoNode : IFunction<JsonNode?, JsonNode?>
    {
        public Task<JsonNode?> InvokeAsync(JsonNode? input, FunctionContext context, CancellationToken cancellationToken) =>
            Task.FromResult(input);
    }

    [Fact]
    public async Task ExecuteAsync_NullInputForANonNullableType_FailsWithSerializationBeforeTheFunctionRuns()
    {
        var outcome = await RunAsync(null);

        Assert.Equal(ErrorTypes.Serialization, outcome.Error?.Type);
        Assert.Contains("the input is null", outcome.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NullInputForANullableType_ReachesTheFunction()
    {
        var registry = new FunctionRegistry().AddFunction("echo-node", new EchoNode());

        var outcome = await TestFunctions.Executor(registry, "echo-node").ExecuteAsync(TestFunctions.Command("echo-node", null), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Null(outcome.Output);
    }
}
