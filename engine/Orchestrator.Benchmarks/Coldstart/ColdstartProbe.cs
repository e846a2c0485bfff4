using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>
/// Takes one sample of each measure for one runtime. Timings run from just before the call to just after it returns,
/// on <see cref="Stopwatch"/>; set-up (registry, pools, waiting for a stem cell) and disposal are outside them.
/// </summary>
internal sealed class ColdstartProbe(EchoFunctions functions, WorkerOptions options, int warmPerSample)
{
    /// <summary>Untimed invocations between the early and the warm timings, so the instance's interpreter has warmed up.</summary>
    public const int SettleInvocations = 50;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private int _sequence;

    /// <summary>(1) Spawn to exit of the real interpreter, with the worker's clean environment and redirected pipes.</summary>
    public static async Task<double> BareAsync(Interpreter interpreter, bool noSite)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        var start = new ProcessStartInfo(interpreter.Executable, noSite ? ["-S", .. interpreter.BareArguments] : interpreter.BareArguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? Path.GetTempPath();
        start.Environment["LANG"] = Environment.GetEnvironmentVariable("LANG") ?? "C.UTF-8";
        using var timeout = new CancellationTokenSource(Limit);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {interpreter.Executable}");
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{interpreter.BareCommand}' exited {process.ExitCode}");
        }

        return elapsed;
    }

    /// <summary>(2) and (4): the first invocation on a fresh pool without stem cells, then round trips on its instance:
    /// <c>warmPerSample</c> timed as early ones, <see cref="SettleInvocations"/> untimed, <c>warmPerSample</c> timed as warm.</summary>
    public async Task ColdAndWarmAsync(Interpreter interpreter, Timings timings)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        ArgumentNullException.ThrowIfNull(timings);
        var (registry, pools) = Register(interpreter, prewarm: 0);
        await using (pools.ConfigureAwait(false))
        {
            var (ms, cold) = await InvokeAsync(registry, interpreter).ConfigureAwait(false);
            Expect(cold.Metrics.ColdStart, interpreter, "the first invocation of a fresh pool was not a cold start");
            timings.Add(interpreter.Runtime, Measure.Cold, ms);
            timings.Add(interpreter.Runtime, Measure.ColdInit, cold.Metrics.InitMs);
            for (var i = 0; i < warmPerSample + SettleInvocations + warmPerSample; i++)
            {
                var (warmMs, warm) = await InvokeAsync(registry, interpreter).ConfigureAwait(false);
                Expect(!warm.Metrics.ColdStart && warm.Metrics.InstanceId == cold.Metrics.InstanceId, interpreter, "a warm invocation did not reuse the instance");
                if (i < warmPerSample)
                {
                    timings.Add(interpreter.Runtime, Measure.WarmEarly, warmMs);
                }
                else if (i >= warmPerSample + SettleInvocations)
                {
                    timings.Add(interpreter.Runtime, Measure.Warm, warmMs);
                }
            }
        }
    }

    /// <summary>(3): the first invocation on a fresh pool once its stem cell is ready.</summary>
    public async Task StemAsync(Interpreter interpreter, Timings timings)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        ArgumentNullException.ThrowIfNull(timings);
        var (registry, pools) = Register(interpreter, prewarm: 1);
        await using (pools.ConfigureAwait(false))
        {
            using (var timeout = new CancellationTokenSource(Limit))
            {
                await pools.WarmUpAsync(timeout.Token).ConfigureAwait(false);
            }

            var (ms, outcome) = await InvokeAsync(registry, interpreter).ConfigureAwait(false);
            Expect(outcome.Metrics.ColdStart, interpreter, "the first invocation of a fresh pool was not a cold start");
            timings.Add(interpreter.Runtime, Measure.Stem, ms);
            timings.Add(interpreter.Runtime, Measure.StemInit, outcome.Metrics.InitMs);
        }
    }

    private (FunctionRegistry Registry, AdapterPools Pools) Register(Interpreter interpreter, int prewarm)
    {
        var registry = new FunctionRegistry();
        var pools = registry.AddFunctionFolders([functions.Folder(interpreter, prewarm)], options);
        if (pools.Diagnostics.Count > 0)
        {
            throw new InvalidOperationException($"the {interpreter.Name} echo function does not register: {pools.Diagnostics[0]}");
        }

        return (registry, pools);
    }

    private async Task<(double Ms, InvocationOutcome Outcome)> InvokeAsync(FunctionRegistry registry, Interpreter interpreter)
    {
        var name = EchoFunctions.Name(interpreter);
        if (!registry.TryGet(name, out var executor))
        {
            throw new InvalidOperationException($"function '{name}' is not registered");
        }

        var sequence = ++_sequence;
        var command = new InvokeFunction($"coldstart-{sequence}", "coldstart", "echo", 1, name, new JsonObject { ["sequence"] = sequence }, null);
        using var timeout = new CancellationTokenSource(Limit);
        var started = Stopwatch.GetTimestamp();
        var outcome = await executor.ExecuteAsync(command, timeout.Token).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Expect(outcome.Succeeded, interpreter, $"the echo failed: {outcome.Error?.Type}: {outcome.Error?.Message}");
        Expect(outcome.Output?["sequence"]?.GetValue<int>() == sequence, interpreter, $"the echo returned {outcome.Output?.ToJsonString()}");
        return (elapsed, outcome);
    }

    private static void Expect(bool condition, Interpreter interpreter, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{interpreter.Name}: {message}");
        }
    }
}
