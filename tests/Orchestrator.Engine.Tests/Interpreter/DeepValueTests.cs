using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Functions;

namespace Orchestrator.Engine.Tests.Interpreter;

/// <summary>Function outputs nested past System.Text.Json's default 64 levels, up to and beyond <see cref="JsonLimits.MaxDepth"/>.</summary>
public sealed class DeepValueTests
{
    private const string Yaml = """
        document: { name: t, version: 1.0.0 }
        do:
          - deep:
              call: nest
              with: {}
        """;

    private static EngineHarness Harness(int depth)
    {
        var harness = new EngineHarness();
        harness.Functions.AddFunction("nest", new NestFunction(depth));
        return harness;
    }

    [Fact]
    public async Task Call_FunctionReturns70Levels_StepCompletesWithTheValue()
    {
        await using var harness = Harness(70);

        var result = await harness.RunAsync(Yaml);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(70, JsonLimits.Depth(result.Output));
    }

    [Fact]
    public async Task Call_FunctionReturnsDeeperThanMaximum_FailsWithSerializationError()
    {
        await using var harness = Harness(JsonLimits.MaxDepth + 1);

        var result = await harness.RunAsync(Yaml);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ErrorTypes.Serialization, result.Error!.Type);
        Assert.Equal("deep", result.FailedStep);
        Assert.Contains($"more than {JsonLimits.MaxDepth} levels", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_LiteralDeeperThanMaximum_FailsWithExpressionError()
    {
        await using var harness = new EngineHarness();
        var literal = string.Concat(Enumerable.Repeat("{a: ", JsonLimits.MaxDepth + 1)) + "1" + new string('}', JsonLimits.MaxDepth + 1);

        var result = await harness.RunAsync($"document: {{ name: t, version: 1.0.0 }}\ndo:\n  - deep:\n      set: {literal}\n");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ErrorTypes.Expression, result.Error!.Type);
    }

    private sealed class NestFunction(int depth) : IFunction<JsonObject, JsonNode>
    {
        public Task<JsonNode> InvokeAsync(JsonObject input, FunctionContext context, CancellationToken cancellationToken)
        {
            JsonNode value = 1;
            for (var i = 0; i < depth; i++)
            {
                value = new JsonObject { ["a"] = value };
            }

            return Task.FromResult(value);
        }
    }
}
