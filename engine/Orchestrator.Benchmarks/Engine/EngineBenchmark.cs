using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>What one engine achieved.</summary>
internal sealed record EngineResult(
    EngineSpec Spec,
    IReadOnlyList<double> LoneMs,
    IReadOnlyList<double>? FinalStepMs,
    int BurstRuns,
    int BurstCompleted,
    long BurstSteps,
    PhaseCost Burst,
    long BaselineBytes,
    long PeakBytes)
{
    public const int StepsPerRun = 3;

    public double P50 => Percentiles.Of(LoneMs, 50);

    public double P99 => Percentiles.Of(LoneMs, 99);

    public bool TimedOut => BurstCompleted < BurstRuns;

    /// <summary>Steps per second over the burst; when it hit the time limit, the steps done by then.</summary>
    public double StepsPerSecond => BurstSteps / Burst.Wall.TotalSeconds;
}

/// <summary>How a burst went: runs completed, steps done (all of them unless the time limit hit), and its cost.</summary>
internal readonly record struct BurstOutcome(int Completed, long Steps, PhaseCost Cost);

/// <summary>
/// <c>bench engine</c>: the same three-step workflow in Orchestrator and WorkflowCore, one engine after another in
/// one process. Per engine: a warm-up instance, then a fresh instance for the lone-run latencies, then a fresh one
/// for the burst of runs started at once.
/// </summary>
internal static class EngineBenchmark
{
    /// <summary>Targets the project set for Orchestrator with its durable store.</summary>
    public const double TargetStepsPerSecond = 10_000;

    public const double TargetP50Ms = 0.5;

    /// <summary>The warm-up burst only needs to run every path a few times.</summary>
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(15);

    /// <summary>Unmeasured runs on each fresh instance before measuring: first use of its store file, pools and caches.</summary>
    private const int PrimeRuns = 50;

    public static async Task<int> RunAsync(EngineBenchOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var folder = Directory.CreateTempSubdirectory("orchestrator-bench-");
        try
        {
            var specs = new List<EngineSpec>();
            if (options.Only is null or "orchestrator")
            {
                if (options.Store is StoreChoice.Sqlite or StoreChoice.Both or StoreChoice.Postgres)
                {
                    specs.Add(OrchestratorTarget.Spec(OrchestratorStore.Sqlite, folder.FullName));
                }

                if (options.Store is StoreChoice.Memory or StoreChoice.Both)
                {
                    specs.Add(OrchestratorTarget.Spec(OrchestratorStore.Memory, folder.FullName));
                }

                if (options.Store is StoreChoice.Postgres)
                {
                    specs.Add(OrchestratorTarget.Spec(OrchestratorStore.Postgres, folder.FullName));
                }
            }

            if (options.Only is null or "workflowcore")
            {
                specs.Add(WorkflowCoreTarget.Spec(tuned: false));
                specs.Add(WorkflowCoreTarget.Spec(tuned: true));
            }

            output.WriteLine("Engine benchmark: Orchestrator vs WorkflowCore (3-step workflow of trivial C# functions)");
            foreach (var line in MachineInfo.Describe())
            {
                output.WriteLine("  " + line);
            }

            if (MachineInfo.LoadAverage() is { } load)
            {
                output.WriteLine($"  load:    {load} (1/5/15 min) at start{(MachineInfo.Busy() ? ": BUSY, other processes compete for the cores and the figures will be low and noisy" : "")}");
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lone runs: {options.Lone} measured one at a time; burst: {options.Runs} runs started at once ({options.Runs * EngineResult.StepsPerRun} steps)"));
            output.WriteLine();
            foreach (var spec in specs)
            {
                output.WriteLine($"  {spec.Label,-26} {spec.Description}");
            }

            output.WriteLine();
            using var memory = new PeakMemory();
            var results = new List<EngineResult>();
            foreach (var spec in specs)
            {
                output.Write($"  measuring {spec.Label} ...");
                await output.FlushAsync().ConfigureAwait(false);
                var result = await MeasureAsync(spec, options, memory).ConfigureAwait(false);
                results.Add(result);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" p50 {result.P50:0.000} ms, {result.StepsPerSecond:#,0} steps/s"));
            }

            output.WriteLine();
            if (MachineInfo.LoadAverage() is { } loadAfter)
            {
                output.WriteLine($"  load:    {loadAfter} (1/5/15 min) after measuring (this benchmark itself adds up to about 1)");
                output.WriteLine();
            }

            Report.Table(results, options, memory.Method, output);
            Report.Ratios(results, output);
            Report.Targets(results, output);

            if (options.Profile)
            {
                output.WriteLine();
                await OrchestratorProfile.RunAsync(options, folder.FullName, output).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    public static async Task<EngineResult> MeasureAsync(EngineSpec spec, EngineBenchOptions options, PeakMemory memory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        PeakMemory.Settle();
        var baseline = PeakMemory.Current;
        memory.ResetPeak();

        // Warm-up on its own instance: JIT and tiering of both the lone and the burst paths.
        var target = await spec.Create().ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            await target.VerifyAsync().ConfigureAwait(false);
            for (var i = 0; i < Math.Min(options.Lone, 200); i++)
            {
                await target.RunAsync(i).ConfigureAwait(false);
            }

            await BurstAsync(target, options.Runs, Min(options.TimeLimit, WarmUpLimit)).ConfigureAwait(false);
        }

        PeakMemory.Settle();
        var lone = new List<double>(options.Lone);
        List<double>? finalStep = null;
        target = await spec.Create().ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            await PrimeAsync(target).ConfigureAwait(false);
            var workflowCore = target as WorkflowCoreTarget;
            finalStep = workflowCore is null ? null : new List<double>(options.Lone);
            for (var i = 0; i < options.Lone; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await target.RunAsync(i).ConfigureAwait(false);
                lone.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (workflowCore is not null)
                {
                    finalStep!.Add(Stopwatch.GetElapsedTime(started, workflowCore.LastFinalStepAt).TotalMilliseconds);
                }
            }
        }

        PeakMemory.Settle();
        BurstOutcome burst;
        target = await spec.Create().ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            await PrimeAsync(target).ConfigureAwait(false);
            burst = await BurstAsync(target, options.Runs, options.TimeLimit).ConfigureAwait(false);
        }

        var peak = memory.Peak();
        lone.Sort();
        finalStep?.Sort();
        return new EngineResult(spec, lone, finalStep, options.Runs, burst.Completed, burst.Steps, burst.Cost, baseline, peak);
    }

    /// <summary>
    /// Starts <paramref name="runs"/> runs in a tight loop, then waits for all: wall time from the first start to the
    /// last completion. Gives up after <paramref name="limit"/> and counts the runs that finished by then.
    /// </summary>
    public static async Task<BurstOutcome> BurstAsync(IEngineTarget target, int runs, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(target);
        var tasks = new Task[runs];
        var stepsBefore = target.StepsExecuted;
        var before = ResourceSnapshot.Take();
        for (var i = 0; i < runs; i++)
        {
            tasks[i] = target.RunAsync(i);
        }

        var all = Task.WhenAll(tasks);
        var finished = await Task.WhenAny(all, Task.Delay(limit)).ConfigureAwait(false) == all;
        var after = ResourceSnapshot.Take();
        var stepsAfter = target.StepsExecuted;
        if (finished)
        {
            await all.ConfigureAwait(false);
            return new BurstOutcome(runs, runs * (long)EngineResult.StepsPerRun, after.Since(before));
        }

        var failed = tasks.FirstOrDefault(t => t.IsFaulted);
        if (failed is not null)
        {
            await failed.ConfigureAwait(false);
        }

        var completed = tasks.Count(t => t.IsCompletedSuccessfully);
        var steps = stepsAfter - stepsBefore ?? completed * (long)EngineResult.StepsPerRun;
        return new BurstOutcome(completed, steps, after.Since(before));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task PrimeAsync(IEngineTarget target)
    {
        for (var i = 0; i < PrimeRuns; i++)
        {
            await target.RunAsync(i).ConfigureAwait(false);
        }
    }
}
