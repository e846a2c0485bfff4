using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Tests.Pool;

/// <summary>The two limits on an invocation, through the real Python adapter: the manifest's <c>timeout</c> and the step's deadline.</summary>
public sealed class AdapterFunctionExecutorTimeoutTests
{
    private static Task<InvocationOutcome> RunAsync(FunctionRegistry registry, string function, JsonNode payload, TimeSpan? stepTimeout) =>
        TestFunctions.Executor(registry, function)
            .ExecuteAsync(TestFunctions.Command(function, payload, stepTimeout is { } limit ? DateTimeOffset.UtcNow + limit : null), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task ExecuteAsync_StepTimeoutLongerThanTheManifests_TheShorterManifestTimeoutApplies()
    {
        var manifest = TestFunctions.Manifest("py-slow") with { Timeout = TimeSpan.FromSeconds(1) };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;
        var clock = Stopwatch.StartNew();

        var outcome = await RunAsync(registry, "py-slow", new JsonObject { ["ms"] = 4000 }, TimeSpan.FromSeconds(20));

        Assert.Equal(ErrorTypes.Timeout, outcome.Error?.Type);
        Assert.Contains("ran past its timeout (1s)", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ExecuteAsync_ColdStart_DoesNotCountAgainstTheManifestTimeout()
    {
        // 1.2 s of init plus 1.5 s of handler: past the 2 s timeout in total, within it once the instance has the invocation.
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-slow-init"));
        await using var _ = pools;

        var outcome = await RunAsync(registry, "py-slow-init", new JsonObject { ["ms"] = 1500 }, null);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.True(outcome.Metrics.ColdStart);
        Assert.True(outcome.Metrics.InitMs >= 1000, $"init {outcome.Metrics.InitMs} ms");
    }

    [Fact]
    public async Task ExecuteAsync_InitLongerThanTheTimeout_FailsWithTimeoutNamingTheInit()
    {
        var manifest = TestFunctions.Manifest("py-slow-init") with { Timeout = TimeSpan.FromMilliseconds(500) };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;

        var outcome = await RunAsync(registry, "py-slow-init", new JsonObject(), null);

        Assert.Equal(ErrorTypes.Timeout, outcome.Error?.Type);
        Assert.Contains("did not finish loading its code (init) within its timeout (500ms)", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, pools.Pool("py-slow-init").Count);
    }

    [Fact]
    public async Task ExecuteAsync_StepDeadlineDuringTheColdStart_SaysTheInstanceWasStartingNotQueued()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-slow-init"));
        await using var _ = pools;

        var outcome = await RunAsync(registry, "py-slow-init", new JsonObject(), TimeSpan.FromMilliseconds(400));

        Assert.Equal(ErrorTypes.Timeout, outcome.Error?.Type);
        Assert.Contains("ran past the step's deadline (400ms) while its instance was starting (cold start, ", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("scale.max", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_StepDeadlineWhileQueued_SaysItWaitedInLineBehindScaleMax()
    {
        var manifest = TestFunctions.Manifest("py-slow") with { Scale = new ScaleSettings(0, 1, TimeSpan.FromSeconds(60), 0) };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;
        var busy = RunAsync(registry, "py-slow", new JsonObject { ["ms"] = 3000 }, null);
        while (pools.Pool("py-slow").Count == 0)
        {
            await Task.Delay(10);
        }

        var queued = await RunAsync(registry, "py-slow", new JsonObject(), TimeSpan.FromMilliseconds(500));
        await busy;

        Assert.Equal(ErrorTypes.Timeout, queued.Error?.Type);
        Assert.Contains("in line for an instance (all scale.max 1 busy)", queued.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_StepDeadlineDuringTheInvocation_KeepsTheColdStartMetricsAndLogs()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-slow-init"));
        await using var _ = pools;

        var outcome = await RunAsync(registry, "py-slow-init", new JsonObject { ["ms"] = 10000 }, TimeSpan.FromSeconds(2.5));

        Assert.Equal(ErrorTypes.Timeout, outcome.Error?.Type);
        Assert.Contains("ran past the step's deadline (", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.True(outcome.Metrics.ColdStart);
        Assert.True(outcome.Metrics.InitMs >= 1000);
        Assert.StartsWith("python-", outcome.Metrics.InstanceId, StringComparison.Ordinal);
        Assert.Equal(["loading slowly", "handling 10000"], outcome.Logs);
    }
}
