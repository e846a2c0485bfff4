using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Tests.Pool;

/// <summary>Prewarmed generic adapter processes ("stem cells") with the real interpreters.</summary>
public sealed class StemCellPoolTests
{
    [Theory]
    [InlineData("py-echo")]
    [InlineData("node-echo")]
    [InlineData("php-echo")]
    public async Task ColdStart_WithAPrewarmedStemCell_InitialisesItAndRefills(string function)
    {
        var manifest = TestFunctions.Manifest(function);
        manifest = manifest with { Scale = manifest.Scale with { Prewarm = 1 } };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;
        await pools.WarmUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var cells = pools.StemCells(manifest.Runtime, manifest.MemoryBytes)!;
        var stemCell = Assert.Single(cells.ReadyIds);

        var outcome = await TestFunctions.RunAsync(registry, function, null);
        await cells.WarmUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.True(outcome.Metrics.ColdStart);
        // The stem cell became the function's instance; the one ready now is its replacement.
        Assert.Equal(stemCell, outcome.Metrics.InstanceId);
        Assert.Equal(TestFunctions.Pid(stemCell), outcome.Output!["pid"]!.GetValue<int>());
        Assert.NotEqual(stemCell, Assert.Single(cells.ReadyIds));
    }

    [Fact]
    public async Task StemCells_SharedByFunctionsOfTheSameRuntimeAndMemory()
    {
        var warm = TestFunctions.Manifest("py-echo");
        warm = warm with { Scale = warm.Scale with { Prewarm = 1 } };
        var other = TestFunctions.Manifest("py-slow");
        var (registry, pools) = TestFunctions.Host(null, warm, other);
        await using var _ = pools;
        await pools.WarmUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var stemCell = Assert.Single(pools.StemCells(FunctionRuntime.Python, warm.MemoryBytes)!.ReadyIds);

        var outcome = await TestFunctions.RunAsync(registry, "py-slow", new System.Text.Json.Nodes.JsonObject { ["ms"] = 1 });

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.True(outcome.Metrics.ColdStart);
        Assert.Equal(stemCell, outcome.Metrics.InstanceId);
    }
}
