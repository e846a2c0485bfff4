using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Expressions;
using Orchestrator.Core.History;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>
/// <c>--profile</c>: where Orchestrator's time goes, by component, measured without touching the engine:
/// <list type="number">
/// <item>the burst with no store, the in-memory store and SQLite: what the store adds per step;</item>
/// <item>the SQLite store alone, replaying the exact saves the engine made: its ceiling;</item>
/// <item>one lone run cut into segments by timing decorators around the store and the function executors;</item>
/// <item>the pieces each step repeats, timed on their own: one expression evaluation, one executor call.</item>
/// </list>
/// </summary>
internal static class OrchestratorProfile
{
    private const int StepsPerRun = EngineResult.StepsPerRun;

    public static async Task RunAsync(EngineBenchOptions options, string folder, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Profile: where Orchestrator's time goes");
        output.WriteLine();
        await StoresAsync(options, folder, output).ConfigureAwait(false);
        output.WriteLine();
        var saves = await CaptureSavesAsync(options.Runs, folder).ConfigureAwait(false);
        await ReplayAsync(saves, folder, output).ConfigureAwait(false);
        output.WriteLine();
        await TimelineAsync(OrchestratorStore.Sqlite, options.Lone, folder, output).ConfigureAwait(false);
        output.WriteLine();
        await TimelineAsync(OrchestratorStore.Memory, options.Lone, folder, output).ConfigureAwait(false);
        output.WriteLine();
        await PiecesAsync(folder, output).ConfigureAwait(false);
    }

    /// <summary>1. The same burst with each store: the differences are what the store costs.</summary>
    private static async Task StoresAsync(EngineBenchOptions options, string folder, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1. Burst of {options.Runs} runs by store (fresh instance each, after warm-up). CPU = all threads; utilisation = CPU / (wall x {Environment.ProcessorCount} cores)."));
        var rows = new List<string[]> { StoreHeader };
        var costs = new Dictionary<OrchestratorStore, PhaseCost>();
        foreach (var store in new[] { OrchestratorStore.Null, OrchestratorStore.Memory, OrchestratorStore.Sqlite })
        {
            await using (var warm = OrchestratorTarget.Create(store, folder))
            {
                await EngineBenchmark.BurstAsync(warm, Math.Min(options.Runs, 1000), options.TimeLimit).ConfigureAwait(false);
            }

            PeakMemory.Settle();
            PhaseCost cost;
            await using (var target = OrchestratorTarget.Create(store, folder))
            {
                for (var i = 0; i < 20; i++)
                {
                    await target.RunAsync(i).ConfigureAwait(false);
                }

                cost = (await EngineBenchmark.BurstAsync(target, options.Runs, options.TimeLimit).ConfigureAwait(false)).Cost;
            }

            costs[store] = cost;
            var steps = options.Runs * (long)StepsPerRun;
            rows.Add(
            [
                OrchestratorTarget.StoreLabel(store),
                Report.F(steps / cost.Wall.TotalSeconds, "#,0"),
                Report.F(cost.Wall.TotalMicroseconds / steps, "0.0"),
                Report.F(cost.CpuMicrosPer(steps), "0.0"),
                Report.F(100 * cost.CpuUse, "0") + " %",
                Report.F(100 * cost.GcPauseShare, "0") + " %",
                Report.F(cost.GcPause.TotalMicroseconds / steps, "0.0"),
                Report.F(cost.BytesPer(steps) / 1024, "0.00"),
                Report.F(cost.WorkItemsPer(steps), "0.0"),
                $"{cost.PoolThreadsBefore} -> {cost.PoolThreadsAfter}",
                Report.F((double)cost.LockContentions / steps, "0.00"),
                $"{cost.Gen0}/{cost.Gen1}/{cost.Gen2}",
            ]);
        }

        Report.Print(rows, output);
        var steps2 = options.Runs * (long)StepsPerRun;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"   store cost per step (CPU, all threads): in-memory {costs[OrchestratorStore.Memory].CpuMicrosPer(steps2) - costs[OrchestratorStore.Null].CpuMicrosPer(steps2):0.0} us, SQLite {costs[OrchestratorStore.Sqlite].CpuMicrosPer(steps2) - costs[OrchestratorStore.Null].CpuMicrosPer(steps2):0.0} us over no store; engine + worker alone {costs[OrchestratorStore.Null].CpuMicrosPer(steps2):0.0} us."));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"   wall per step: no store {costs[OrchestratorStore.Null].Wall.TotalMicroseconds / steps2:0.0} us, in-memory {costs[OrchestratorStore.Memory].Wall.TotalMicroseconds / steps2:0.0} us, SQLite {costs[OrchestratorStore.Sqlite].Wall.TotalMicroseconds / steps2:0.0} us."));
    }

    private static readonly string[] StoreHeader =
        ["store", "steps/s", "wall us/step", "CPU us/step", "CPU use", "GC pause", "GC pause us/step", "alloc KB/step", "pool items/step", "pool threads", "lock waits/step", "GCs 0/1/2"];

    /// <summary>Runs a burst on the in-memory store and keeps every save the engine made, per run, in order.</summary>
    private static async Task<List<List<RunChanges>>> CaptureSavesAsync(int runs, string folder)
    {
        var byRun = new ConcurrentDictionary<string, List<RunChanges>>(StringComparer.Ordinal);
        await using (var target = OrchestratorTarget.Create(OrchestratorStore.Memory, folder, store => new RecordingStore(store, byRun)))
        {
            await EngineBenchmark.BurstAsync(target, runs, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }

        return [.. byRun.Values];
    }

    /// <summary>2. The SQLite store on its own, fed the engine's own saves.</summary>
    private static async Task ReplayAsync(List<List<RunChanges>> saves, string folder, TextWriter output)
    {
        var savesPerRun = saves.Average(s => s.Count);
        var eventsPerRun = saves.Average(s => s.Sum(c => c.Events.Count));
        var bytesPerRun = saves.Average(s => s.Sum(c => c.Events.Sum(e => e.Data?.ToJsonString().Length ?? 0)));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"2. SQLite store alone, replaying the engine's saves: {saves.Count} runs x {savesPerRun:0.##} saves = {eventsPerRun:0.#} history events, {bytesPerRun:#,0} bytes of event JSON per run."));

        // a) all runs' k-th saves at once (the best batching group commit can get), wave after wave.
        var all = saves.Sum(s => s.Count);
        var before = ResourceSnapshot.Take();
        long callTicks = 0;
        var store = new SqliteRunStore(Path.Combine(folder, "replay-burst.db"));
        await using (store.ConfigureAwait(false))
        {
            var waves = saves.Max(s => s.Count);
            for (var k = 0; k < waves; k++)
            {
                var pending = new List<Task>(saves.Count);
                foreach (var run in saves)
                {
                    if (k < run.Count)
                    {
                        var t0 = Stopwatch.GetTimestamp();
                        var save = store.SaveAsync(run[k], CancellationToken.None);
                        callTicks += Stopwatch.GetTimestamp() - t0;
                        pending.Add(save.AsTask());
                    }
                }

                await Task.WhenAll(pending).ConfigureAwait(false);
            }
        }

        var burst = ResourceSnapshot.Take().Since(before);

        // b) one save at a time: a commit per save, as a lone run gets.
        var lone = new List<double>();
        var sample = saves.Take(Math.Min(saves.Count, 500)).ToList();
        var loneBefore = ResourceSnapshot.Take();
        var loneSaves = 0;
        store = new SqliteRunStore(Path.Combine(folder, "replay-lone.db"));
        await using (store.ConfigureAwait(false))
        {
            foreach (var run in sample)
            {
                foreach (var change in run)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await store.SaveAsync(change, CancellationToken.None).ConfigureAwait(false);
                    lone.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                    loneSaves++;
                }
            }
        }

        var loneCost = ResourceSnapshot.Take().Since(loneBefore);
        lone.Sort();
        var savesPerStep = savesPerRun / StepsPerRun;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"   a) all at once, {all} saves: {all / burst.Wall.TotalSeconds:#,0} saves/s = {all / burst.Wall.TotalSeconds / savesPerStep:#,0} steps/s ceiling for the store alone; wall {burst.Wall.TotalMicroseconds / all:0.0} us/save, CPU {burst.CpuMicrosPer(all):0.0} us/save ({burst.CpuMicrosPer(all) * savesPerStep:0.0} us/step), of which {Stopwatch.GetElapsedTime(0, callTicks).TotalMicroseconds / all:0.0} us/save on the caller's thread (JSON serialisation, checks, enqueue)."));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"   b) one at a time, {loneSaves} saves: p50 {Percentiles.Of(lone, 50):0.0} us, p99 {Percentiles.Of(lone, 99):0.0} us per save (a transaction each), CPU {loneCost.CpuMicrosPer(loneSaves):0.0} us/save."));
    }

    /// <summary>3. One run at a time, cut into segments by timing decorators around store and executors.</summary>
    private static async Task TimelineAsync(OrchestratorStore kind, int runs, string folder, TextWriter output)
    {
        // The same lone runs without the decorators, as a reference for what the decorators themselves change.
        var plain = new List<double>();
        await using (var reference = OrchestratorTarget.Create(kind, folder))
        {
            for (var i = 0; i < 200 + runs; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                await reference.RunAsync(i).ConfigureAwait(false);
                if (i >= 200)
                {
                    plain.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                }
            }
        }

        plain.Sort();
        var timeline = new Timeline();
        var target = OrchestratorTarget.Create(kind, folder, store => new TimingStore(store, timeline), executor => new TimingExecutor(executor, timeline));
        var totals = new List<double>();
        var segments = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        await using (target.ConfigureAwait(false))
        {
            for (var i = 0; i < 200 + runs; i++)
            {
                timeline.Clear();
                var started = Stopwatch.GetTimestamp();
                await target.RunAsync(i).ConfigureAwait(false);
                var ended = Stopwatch.GetTimestamp();
                if (i < 200)
                {
                    continue; // warm-up
                }

                totals.Add(Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds);
                foreach (var (name, micros) in timeline.Segments(started, ended))
                {
                    if (!segments.TryGetValue(name, out var list))
                    {
                        segments[name] = list = [];
                    }

                    list.Add(micros);
                }
            }
        }

        totals.Sort();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"3. One lone run cut into segments ({OrchestratorTarget.StoreLabel(kind)} store, {runs} runs after 200 warm-up runs on the same instance; with timing decorators total p50 {Percentiles.Of(totals, 50):0.0} us, mean {totals.Average():0.0} us; without them p50 {Percentiles.Of(plain, 50):0.0} us, mean {plain.Average():0.0} us)."));
        var rows = new List<string[]> { SegmentHeader };
        foreach (var (name, values) in segments)
        {
            var sorted = values.Order().ToList();
            rows.Add([name, Report.F(values.Average(), "0.0"), Report.F(Percentiles.Of(sorted, 50), "0.0"), Report.F(Percentiles.Of(sorted, 99), "0.0"), Report.F(100 * values.Average() / totals.Average(), "0") + " %"]);
        }

        Report.Print(rows, output);
    }

    private static readonly string[] SegmentHeader = ["segment (summed over the run)", "mean us", "p50 us", "p99 us", "share of mean"];

    /// <summary>4. What each step repeats, timed alone on one thread.</summary>
    private static async Task PiecesAsync(string folder, TextWriter output)
    {
        const int N = 20_000;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"4. Per-step pieces timed alone, one thread, {N} times each (mean):"));

        // The whole engine path, one run at a time with no store: its allocation per step is the GC's workload.
        await using (var target = OrchestratorTarget.Create(OrchestratorStore.Null, folder))
        {
            for (var i = 0; i < 500; i++)
            {
                await target.RunAsync(i).ConfigureAwait(false);
            }

            const int Runs = 2000;
            var before = ResourceSnapshot.Take();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < Runs; i++)
            {
                await target.RunAsync(i).ConfigureAwait(false);
            }

            var perStep = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (Runs * StepsPerRun);
            var cost = ResourceSnapshot.Take().Since(before);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   whole engine path, lone runs, no store: {cost.Wall.TotalMicroseconds / (Runs * StepsPerRun):0.0} us wall, {cost.CpuMicrosPer(Runs * StepsPerRun):0.0} us CPU, {perStep:#,0} bytes allocated per step"));
        }

        // The 'with' of step b: one typed Scriban expression over the scope.
        var expression = CompiledExpression.TryParse("{{ a.value }}", out var error) ?? throw new InvalidOperationException(error);
        var scope = new ExpressionScope();
        scope.Set("a", new JsonObject { ["value"] = 2 });
        var evaluate = Time(N, () => expression.Evaluate(scope, CancellationToken.None));
        var allocEvaluate = Allocated(N, () => expression.Evaluate(scope, CancellationToken.None));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   evaluate \"{{{{ a.value }}}}\" (Scriban, sandbox CTS + timer, context): {evaluate:0.00} us, {allocEvaluate:#,0} bytes"));

        // One function call through the registry's executor (JSON bind, Task.Yield, JSON serialise).
        var registry = new FunctionRegistry().AddFunction("bench-add", new BenchAdd());
        registry.TryGet("bench-add", out var executor);
        var command = new InvokeFunction("run.1", "run", "a", 1, "bench-add", new JsonObject { ["value"] = 1 }, null);
        for (var i = 0; i < 1000; i++)
        {
            await executor!.ExecuteAsync(command, CancellationToken.None).ConfigureAwait(false);
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < N; i++)
        {
            await executor!.ExecuteAsync(command, CancellationToken.None).ConfigureAwait(false);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocatedCall = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / N;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   executor call (bind JSON -> record, function with Task.Yield, serialise): {elapsed.TotalMicroseconds / N:0.00} us, {allocatedCall:#,0} bytes"));

        var node = new JsonObject { ["output"] = new JsonObject { ["value"] = 7 }, ["metrics"] = new JsonObject { ["coldStart"] = false, ["initMs"] = 0, ["durationMs"] = 0.012, ["instanceId"] = "dotnet-1" } };
        var serialise = Time(N, () => node.ToJsonString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   one StepCompleted event's data to JSON text (what the SQLite store does per event): {serialise:0.00} us"));
    }

    private static double Time(int n, Action action)
    {
        for (var i = 0; i < 1000; i++)
        {
            action();
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / n;
    }

    private static double Allocated(int n, Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            action();
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / n;
    }
}
