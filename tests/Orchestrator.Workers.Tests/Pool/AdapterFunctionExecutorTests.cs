using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Contracts;
using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Tests.Pool;

/// <summary>Invocations through the real adapters and interpreters (python3, node, php).</summary>
public sealed class AdapterFunctionExecutorTests
{
    [Theory]
    [InlineData("py-echo", "python", "python says hi to stdout")]
    [InlineData("node-echo", "node", "node says hi to stdout")]
    [InlineData("php-echo", "php", "php says hi to stdout")]
    public async Task ExecuteAsync_TwoInvocations_ColdThenWarmOnTheSameInstance(string function, string runtime, string printed)
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest(function));
        await using var _ = pools;

        var first = await TestFunctions.RunAsync(registry, function, new JsonObject { ["n"] = 1 });
        var second = await TestFunctions.RunAsync(registry, function, new JsonObject { ["n"] = 2 });

        Assert.True(first.Succeeded, first.Error?.Message);
        Assert.True(second.Succeeded, second.Error?.Message);
        Assert.True(first.Metrics.ColdStart);
        Assert.True(first.Metrics.InitMs > 0);
        Assert.False(second.Metrics.ColdStart);
        Assert.Equal(0, second.Metrics.InitMs);
        Assert.StartsWith(runtime + "-", first.Metrics.InstanceId, StringComparison.Ordinal);
        Assert.Equal(first.Metrics.InstanceId, second.Metrics.InstanceId);
        Assert.Equal(TestFunctions.Pid(first.Metrics.InstanceId), second.Output!["pid"]!.GetValue<int>());
        Assert.Equal(2, second.Output!["echo"]!["n"]!.GetValue<int>());
        // What the handler printed on stdout is its log, not a protocol line.
        Assert.Contains(printed, second.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_LogLinesOfEachInvocation_BelongToThatInvocation()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("php-echo"));
        await using var _ = pools;

        var first = await TestFunctions.RunAsync(registry, "php-echo", null);
        var second = await TestFunctions.RunAsync(registry, "php-echo", null);

        // A line without its newline (PHP's print) still ends with the invocation that wrote it.
        Assert.Equal(["php says hi to stdout", "php prints without a newline"], first.Logs);
        Assert.Equal(["php says hi to stdout", "php prints without a newline"], second.Logs);
    }

    [Theory]
    [InlineData("py-echo")]
    [InlineData("node-echo")]
    [InlineData("php-echo")]
    public async Task ExecuteAsync_FiveMegabytePayload_RoundTrips(string function)
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest(function));
        await using var _ = pools;
        var blob = string.Concat(Enumerable.Repeat("0123456789abcdé€", 5 * 1024 * 1024 / 16));

        var outcome = await TestFunctions.RunAsync(registry, function, new JsonObject { ["blob"] = blob });

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(blob, outcome.Output!["echo"]!["blob"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_ManifestEnvAndSecrets_ReachTheHandlerButHostVariablesDoNot()
    {
        Environment.SetEnvironmentVariable("ORCHESTRATOR_TEST_LEAK", "leaked");
        var manifest = TestFunctions.Manifest("py-echo") with { Secrets = ["TEST_SECRET"] };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;

        var outcome = await TestFunctions.RunAsync(registry, "py-echo", new JsonObject { ["env"] = new JsonArray("GREETING", "TEST_SECRET", "ORCHESTRATOR_TEST_LEAK", "LANG") });

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var env = outcome.Output!["env"]!;
        Assert.Equal("hello from the manifest", env["GREETING"]!.GetValue<string>());
        Assert.Equal("s3cret", env["TEST_SECRET"]!.GetValue<string>());
        Assert.Null(env["ORCHESTRATOR_TEST_LEAK"]);
        Assert.NotNull(env["LANG"]);
    }

    [Fact]
    public async Task ExecuteAsync_MissingSecret_FailsWithConfigurationErrorWithoutStarting()
    {
        var manifest = TestFunctions.Manifest("py-echo") with { Secrets = ["NOT_SET_ANYWHERE"] };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;

        var outcome = await TestFunctions.RunAsync(registry, "py-echo", null);

        Assert.Equal(ErrorTypes.Configuration, outcome.Error?.Type);
        Assert.Contains("NOT_SET_ANYWHERE", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, pools.Pool("py-echo").Count);
    }

    [Fact]
    public async Task ExecuteAsync_HandlerError_ReportsItAndKeepsTheInstance()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-echo"));
        await using var _ = pools;

        var failed = await TestFunctions.RunAsync(registry, "py-echo", new JsonObject { ["fail"] = true });
        var next = await TestFunctions.RunAsync(registry, "py-echo", null);

        Assert.Equal("ValueError", failed.Error?.Type);
        Assert.Equal("asked to fail", failed.Error!.Message);
        Assert.True(failed.Error.Retryable);
        Assert.Contains("Traceback", failed.Error.Stack, StringComparison.Ordinal);
        Assert.True(next.Succeeded);
        Assert.False(next.Metrics.ColdStart);
        Assert.Equal(failed.Metrics.InstanceId, next.Metrics.InstanceId);
    }

    [Fact]
    public async Task ExecuteAsync_AfterAnUncaughtNodeException_TheNextInvocationRunsOnAFreshInstance()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("node-echo"));
        await using var _ = pools;

        var failed = await TestFunctions.RunAsync(registry, "node-echo", new JsonObject { ["uncaught"] = true });
        var next = await TestFunctions.RunAsync(registry, "node-echo", null);

        Assert.Equal("Error", failed.Error?.Type);
        Assert.Equal("boom", failed.Error!.Message);
        // The adapter exits 1 after reporting it; the next invocation must not be lost with that process.
        Assert.True(next.Succeeded, next.Error?.Message);
        Assert.True(next.Metrics.ColdStart);
        Assert.NotEqual(failed.Metrics.InstanceId, next.Metrics.InstanceId);
    }

    [Fact]
    public async Task ExecuteAsync_HandlerExitsWithCode3_ReportsCrashWithCodeAndLastStderrLine()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("py-crash"));
        await using var _ = pools;

        var outcome = await TestFunctions.RunAsync(registry, "py-crash", null);

        Assert.Equal(RuntimeErrorTypes.Crashed, outcome.Error?.Type);
        Assert.Contains("exited with code 3 ", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.EndsWith("about to crash", outcome.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("memory", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(["about to crash"], outcome.Logs);
        Assert.Equal(0, pools.Pool("py-crash").Count);
    }

    [Fact]
    public async Task ExecuteAsync_HandlerPastItsDeadline_KillsTheProcessGroupAndFailsWithTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (registry, pools) = TestFunctions.Host(time, TestFunctions.Manifest("py-sleeper"));
        await using var _ = pools;
        var pidFile = Path.Combine(Path.GetTempPath(), $"orchestrator-sleeper-{Guid.NewGuid():N}");

        var running = TestFunctions.Executor(registry, "py-sleeper")
            .ExecuteAsync(TestFunctions.Command("py-sleeper", new JsonObject { ["pidFile"] = pidFile }), CancellationToken.None);
        for (var i = 0; i < 400 && !File.Exists(pidFile); i++)
        {
            await Task.Delay(25); // the real handler starting its real child; no timer is involved
        }

        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(pidFile);
        Assert.True(TestFunctions.IsAlive(child));
        time.Advance(TimeSpan.FromSeconds(6)); // the manifest's timeout is 5s
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorTypes.Timeout, outcome.Error?.Type);
        Assert.Contains("ran past its timeout (5s)", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Contains($"started sleep {child}", outcome.Logs);
        Assert.True(await TestFunctions.GoneAsync(TestFunctions.Pid(outcome.Metrics.InstanceId)), "the adapter survived");
        Assert.True(await TestFunctions.GoneAsync(child), "the handler's child survived");
        Assert.Equal(0, pools.Pool("py-sleeper").Count);
    }

    [Fact]
    public async Task ExecuteAsync_ChildWritesOnProtocolStdout_FailsThatInstanceNotTheHost()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("node-stray"), TestFunctions.Manifest("node-echo"));
        await using var _ = pools;

        var broken = await TestFunctions.RunAsync(registry, "node-stray", null);
        var other = await TestFunctions.RunAsync(registry, "node-echo", null);

        Assert.Equal(RuntimeErrorTypes.ProtocolError, broken.Error?.Type);
        Assert.Contains("this is not json", broken.Error!.Message, StringComparison.Ordinal);
        Assert.True(await TestFunctions.GoneAsync(TestFunctions.Pid(broken.Metrics.InstanceId)), "the broken instance survived");
        Assert.Equal(0, pools.Pool("node-stray").Count);
        Assert.True(other.Succeeded);
    }

    [Fact]
    public async Task ExecuteAsync_HandlerOverItsMemoryLimit_ReportsCrashNamingTheLimit()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("node-oom"));
        await using var _ = pools;

        var outcome = await TestFunctions.RunAsync(registry, "node-oom", null);

        Assert.Equal(RuntimeErrorTypes.Crashed, outcome.Error?.Type);
        Assert.Contains("memory limit of 64Mi", outcome.Error!.Message, StringComparison.Ordinal);
        // V8's own limit comes first ("Reached heap limit … JavaScript heap out of memory"), not a bad_alloc on the rlimit.
        Assert.Contains("JavaScript heap out of memory", outcome.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bad_alloc", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PhpHandlerOverItsMemoryLimit_ReportsPhpsErrorNamingTheLimit()
    {
        var (registry, pools) = TestFunctions.Host(null, TestFunctions.Manifest("php-oom"));
        await using var _ = pools;

        var outcome = await TestFunctions.RunAsync(registry, "php-oom", null);

        Assert.Equal(RuntimeErrorTypes.ExitError, outcome.Error?.Type);
        Assert.Contains("Allowed memory size of 50331648 bytes exhausted", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("memory limit is 64Mi", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, pools.Pool("php-oom").Count);
    }

    [Fact]
    public async Task ExecuteAsync_InterpreterMissing_FailsWithStartFailed()
    {
        var registry = new FunctionRegistry();
        var options = new WorkerOptions { Interpreters = new Dictionary<FunctionRuntime, string> { [FunctionRuntime.Python] = "/nonexistent/python3" } };
        await using var pools = registry.AddManifests([TestFunctions.Manifest("py-echo")], options);

        var outcome = await TestFunctions.RunAsync(registry, "py-echo", null);

        Assert.Equal(RuntimeErrorTypes.StartFailed, outcome.Error?.Type);
        Assert.Contains("/nonexistent/python3", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.True(outcome.Metrics.ColdStart);
    }

    [Fact]
    public async Task ExecuteAsync_HandlerFileWithoutTheFunction_FailsWithTheAdaptersInitError()
    {
        var manifest = TestFunctions.Manifest("py-echo") with { Handler = "handler.py:missing" };
        var (registry, pools) = TestFunctions.Host(null, manifest);
        await using var _ = pools;

        var outcome = await TestFunctions.RunAsync(registry, "py-echo", null);

        Assert.Equal("Runtime.HandlerNotFound", outcome.Error?.Type);
        Assert.False(outcome.Error!.Retryable);
        Assert.True(outcome.Metrics.ColdStart);
        Assert.Equal(0, pools.Pool("py-echo").Count);
    }
}
