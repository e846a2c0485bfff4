using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Functions;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Tests.Pool;

/// <summary>Instance reuse, limits and keep-alive, with real adapter processes and a fake clock.</summary>
public sealed class InstancePoolTests
{
    [Fact]
    public async Task IdleInstance_AfterScaleIdle_IsStoppedAndTheNextInvocationStartsCold()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (registry, pools) = TestFunctions.Host(time, TestFunctions.Manifest("py-echo"));
        await using var _ = pools;
        var first = await TestFunctions.RunAsync(registry, "py-echo", null);
        var pid = TestFunctions.Pid(first.Metrics.InstanceId);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(TestFunctions.IsAlive(pid));
        Assert.Equal(1, pools.Pool("py-echo").Count);
        time.Advance(TimeSpan.FromSeconds(2)); // past the default idle of 60s

        Assert.Equal(0, pools.Pool("py-echo").Count);
        Assert.True(await TestFunctions.GoneAsync(pid), "the idle instance was not stopped");
        var next = await TestFunctions.RunAsync(registry, "py-echo", null);
        Assert.True(next.Metrics.ColdStart);
        Assert.NotEqual(first.Metrics.InstanceId, next.Metrics.InstanceId);
    }

    [Fact]
    public async Task ScaleMin_InstancesAreStartedAheadAndOutliveTheIdleWindow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var manifest = TestFunctions.Manifest("py-echo") with { Scale = new ScaleSettings(1, 4, TimeSpan.FromSeconds(10), 0) };
        var (registry, pools) = TestFunctions.Host(time, manifest);
        await using var _ = pools;

        await pools.WarmUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var instance = Assert.Single(pools.Pool("py-echo").Instances);
        var outcome = await TestFunctions.RunAsync(registry, "py-echo", null);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(outcome.Metrics.ColdStart);
        Assert.Equal(instance.Id, outcome.Metrics.InstanceId);
        Assert.Equal(1, pools.Pool("py-echo").Count);
        Assert.True(TestFunctions.IsAlive(instance.ProcessId));
    }

    [Fact]
    public async Task BurstOf50_NeverRunsMoreThanScaleMaxAndCompletesAll()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-slow")); // scale.max 2
        await using var _ = pools;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(n => TestFunctions.RunAsync(registry, "py-slow", new JsonObject { ["n"] = n, ["ms"] = 5 })));

        Assert.All(outcomes, outcome => Assert.True(outcome.Succeeded, outcome.Error?.Message));
        Assert.Equal(Enumerable.Range(0, 50), outcomes.Select(outcome => outcome.Output!["n"]!.GetValue<int>()));
        Assert.InRange(outcomes.Select(outcome => outcome.Metrics.InstanceId).Distinct().Count(), 1, 2);
        Assert.InRange(outcomes.Count(outcome => outcome.Metrics.ColdStart), 1, 2);
    }

    [Fact]
    public async Task QueuedInvocation_CancelledWhileWaiting_LeavesTheLineAndOthersStillRun()
    {
        var manifest = TestFunctions.Manifest("py-slow") with { Scale = new ScaleSettings(0, 1, TimeSpan.FromSeconds(60), 0) };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;
        var executor = TestFunctions.Executor(registry, "py-slow");
        using var cancel = new CancellationTokenSource();

        var busy = executor.ExecuteAsync(TestFunctions.Command("py-slow", new JsonObject { ["ms"] = 300 }), CancellationToken.None);
        var queued = executor.ExecuteAsync(TestFunctions.Command("py-slow", new JsonObject { ["ms"] = 1 }), cancel.Token);
        var after = executor.ExecuteAsync(TestFunctions.Command("py-slow", new JsonObject { ["ms"] = 1 }), CancellationToken.None);
        await cancel.CancelAsync();

        var cancelled = await queued.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("cancelled", cancelled.Error?.Type);
        Assert.True((await busy.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded);
        var served = await after.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(served.Succeeded);
        Assert.False(served.Metrics.ColdStart);
    }

    [Fact]
    public async Task QueuedInvocation_PastItsDeadlineWhileWaiting_FailsWithTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var manifest = TestFunctions.Manifest("py-sleeper") with { Scale = new ScaleSettings(0, 1, TimeSpan.FromSeconds(60), 0) };
        var (registry, pools) = TestFunctions.Host(time, manifest);
        await using var _ = pools;
        var executor = TestFunctions.Executor(registry, "py-sleeper");
        var pidFile = Path.Combine(Path.GetTempPath(), $"orchestrator-sleeper-{Guid.NewGuid():N}");

        var busy = executor.ExecuteAsync(TestFunctions.Command("py-sleeper", new JsonObject { ["pidFile"] = pidFile }), CancellationToken.None);
        var queued = executor.ExecuteAsync(TestFunctions.Command("py-sleeper", new JsonObject { ["pidFile"] = pidFile }, time.GetUtcNow().AddSeconds(2)), CancellationToken.None);
        for (var i = 0; i < 400 && !File.Exists(pidFile); i++)
        {
            await Task.Delay(25); // the real handler starting; no timer is involved
        }

        File.Delete(pidFile);
        time.Advance(TimeSpan.FromSeconds(3));
        var timedOut = await queued.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(3));
        await busy.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("timeout", timedOut.Error?.Type);
        Assert.Contains("ran past the step's deadline (2s) while it waited", timedOut.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("in line for an instance (all scale.max 1 busy)", timedOut.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneShot_EveryInvocationGetsAFreshInstance()
    {
        var manifest = TestFunctions.Manifest("py-echo") with { Process = ProcessMode.OneShot };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;

        var ids = new List<string>();
        foreach (var n in Enumerable.Range(0, 3))
        {
            var outcome = await TestFunctions.RunAsync(registry, "py-echo", new JsonObject { ["n"] = n });
            Assert.True(outcome.Succeeded, outcome.Error?.Message);
            Assert.True(outcome.Metrics.ColdStart);
            ids.Add(outcome.Metrics.InstanceId);
        }

        Assert.Equal(3, ids.Distinct().Count());
        foreach (var id in ids)
        {
            Assert.True(await TestFunctions.GoneAsync(TestFunctions.Pid(id)), "a one-shot instance outlived its invocation");
        }
    }

    [Fact]
    public async Task Prewarm_EmptyPool_StartsOneIdleInstanceThatTheNextInvocationReuses()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-echo"));
        await using var _ = pools;
        var pool = pools.Pool("py-echo");

        var start = registry.Prewarm("py-echo");
        Assert.NotNull(start);
        var prewarmed = await start.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(prewarmed.Error);
        Assert.True(prewarmed.InitMs > 0);
        Assert.Equal(1, pool.Count);
        Assert.Equal(prewarmed.InstanceId, Assert.Single(pool.Instances).Id);

        var outcome = await TestFunctions.RunAsync(registry, "py-echo", null);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.False(outcome.Metrics.ColdStart);
        Assert.Equal(prewarmed.InstanceId, outcome.Metrics.InstanceId);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public async Task Prewarm_InvocationArrivingWhileItStarts_WaitsForItInsteadOfStartingASecond()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-echo"));
        await using var _ = pools;
        var pool = pools.Pool("py-echo");

        var start = pool.Prewarm();
        var outcome = await TestFunctions.RunAsync(registry, "py-echo", null);
        var prewarmed = await start!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(prewarmed.InstanceId, outcome.Metrics.InstanceId);
        Assert.Equal(1, pool.Count);

        // It waited for the rest of a cold start: reported as one, with only the part it waited as init time.
        Assert.True(outcome.Metrics.ColdStart);
        Assert.InRange(outcome.Metrics.InitMs, 0, prewarmed.InitMs + 250);
    }

    [Fact]
    public async Task Prewarm_WithAnIdleInstance_DoesNothing()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-echo"));
        await using var _ = pools;
        var first = await TestFunctions.RunAsync(registry, "py-echo", null);

        Assert.Null(pools.Pool("py-echo").Prewarm());
        Assert.Equal(1, pools.Pool("py-echo").Count);
        var next = await TestFunctions.RunAsync(registry, "py-echo", null);
        Assert.Equal(first.Metrics.InstanceId, next.Metrics.InstanceId);
    }

    [Fact]
    public async Task Prewarm_AtScaleMax_DoesNothing()
    {
        var manifest = TestFunctions.Manifest("py-slow") with { Scale = new ScaleSettings(0, 1, TimeSpan.FromSeconds(60), 0) };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;
        var pool = pools.Pool("py-slow");
        var busy = TestFunctions.Executor(registry, "py-slow").ExecuteAsync(TestFunctions.Command("py-slow", new JsonObject { ["ms"] = 500 }), CancellationToken.None);
        for (var i = 0; i < 400 && pool.Instances.Count == 0; i++)
        {
            await Task.Delay(25); // the busy invocation's instance starting
        }

        Assert.Single(pool.Instances);
        Assert.Null(pool.Prewarm());
        Assert.True((await busy.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public async Task Prewarm_ConcurrentCalls_StartOnlyOneInstance()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-echo"));
        await using var _ = pools;
        var pool = pools.Pool("py-echo");

        var starts = new Task<PrewarmResult>?[20];
        Parallel.For(0, starts.Length, i => starts[i] = registry.Prewarm("py-echo"));
        var started = Assert.Single(starts, start => start is not null)!;
        Assert.Null((await started.WaitAsync(TimeSpan.FromSeconds(30))).Error);

        Assert.Equal(1, pool.Count);
        Assert.Null(pool.Prewarm());
    }

    [Fact]
    public async Task Prewarm_WithAStemCell_InitialisesTheStemCell()
    {
        var manifest = TestFunctions.Manifest("py-echo");
        manifest = manifest with { Scale = manifest.Scale with { Prewarm = 1 } };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;
        await pools.WarmUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var stemCell = Assert.Single(pools.StemCells(manifest.Runtime, manifest.MemoryBytes)!.ReadyIds);

        var prewarmed = await registry.Prewarm("py-echo")!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(prewarmed.Error);
        Assert.Equal(stemCell, prewarmed.InstanceId);
    }

    [Fact]
    public void Prewarm_InProcessOrUnknownFunction_IsIgnored()
    {
        var registry = new FunctionRegistry().AddFunction("upper", new Upper());

        Assert.Null(registry.Prewarm("upper"));
        Assert.Null(registry.Prewarm("nobody"));
    }

    private sealed class Upper : IFunction<string, string>
    {
        public Task<string> InvokeAsync(string input, FunctionContext context, CancellationToken cancellationToken) => Task.FromResult(input.ToUpperInvariant());
    }
}
