using System.Globalization;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Prints the engine benchmark's tables.</summary>
internal static class Report
{
    private const double MiB = 1024 * 1024;

    private static readonly string[] RatioHeader =
        ["Orchestrator / WorkflowCore", "throughput (x, higher = Orchestrator faster)", "lone p50 (x, lower = Orchestrator faster)"];

    public static void Table(IReadOnlyList<EngineResult> results, EngineBenchOptions options, string memoryMethod, TextWriter output)
    {
        var rows = new List<string[]>
        {
            new[]
            {
                "engine", "lone p50 ms", "lone p99 ms", $"steps/s ({options.Runs} runs at once)", "burst wall s",
                "CPU us/step", "CPU use", "GC pause", "alloc KB/step", "pool threads", "peak RSS MiB", "RSS growth MiB",
            },
        };
        foreach (var r in results)
        {
            var steps = Math.Max(r.BurstSteps, 1);
            rows.Add(
            [
                r.Spec.Label,
                F(r.P50, "0.000"),
                F(r.P99, "0.000"),
                F(r.StepsPerSecond, "#,0") + (r.TimedOut ? $" (cut off: {r.BurstCompleted} runs done, {r.BurstSteps} steps)" : ""),
                F(r.Burst.Wall.TotalSeconds, "0.000"),
                F(r.Burst.CpuMicrosPer(steps), "0.0"),
                F(100 * r.Burst.CpuUse, "0") + " %",
                F(100 * r.Burst.GcPauseShare, "0") + " %",
                F(r.Burst.BytesPer(steps) / 1024, "0.00"),
                $"{r.Burst.PoolThreadsBefore} -> {r.Burst.PoolThreadsAfter}",
                F(r.PeakBytes / MiB, "0"),
                F((r.PeakBytes - r.BaselineBytes) / MiB, "0"),
            ]);
        }

        Print(rows, output);
        output.WriteLine();
        output.WriteLine("  lone: one run at a time, start to completion as the caller sees it (after a warm-up instance, on a fresh instance, after 50 unmeasured runs).");
        foreach (var r in results.Where(r => r.FinalStepMs is not null))
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"        {r.Spec.Label}: completion = its WorkflowCompleted lifecycle event; up to the end of step 3's body instead: p50 {Percentiles.Of(r.FinalStepMs!, 50):0.000} ms, p99 {Percentiles.Of(r.FinalStepMs!, 99):0.000} ms."));
        }

        output.WriteLine("  steps/s: runs x 3 / wall time from the first start to the last completion, on a fresh instance;");
        output.WriteLine("           a burst still running at the time limit is cut off there and counts the step bodies that ran.");
        output.WriteLine("  CPU us/step, alloc: whole process during the burst (engine, workers, store writer, GC), per step;");
        output.WriteLine("  CPU use: CPU time / (wall x cores); GC pause: share of the burst's wall time with threads stopped by the GC.");
        output.WriteLine($"  peak RSS: {memoryMethod}, over the engine's warm-up, lone and burst phases;");
        output.WriteLine("            growth = peak minus the resident set after a full compacting GC just before the engine started.");
    }

    public static void Ratios(IReadOnlyList<EngineResult> results, TextWriter output)
    {
        var ours = results.Where(r => r.Spec.Label.StartsWith("Orchestrator", StringComparison.Ordinal)).ToList();
        var theirs = results.Where(r => r.Spec.Label.StartsWith("WorkflowCore", StringComparison.Ordinal)).ToList();
        if (ours.Count == 0 || theirs.Count == 0)
        {
            return;
        }

        output.WriteLine();
        var rows = new List<string[]> { RatioHeader };
        foreach (var o in ours)
        {
            foreach (var w in theirs)
            {
                rows.Add(
                [
                    $"{o.Spec.Label} / {w.Spec.Label}",
                    F(o.StepsPerSecond / w.StepsPerSecond, "0.00"),
                    F(o.P50 / w.P50, "0.000"),
                ]);
            }
        }

        Print(rows, output);
    }

    public static void Targets(IReadOnlyList<EngineResult> results, TextWriter output)
    {
        output.WriteLine();
        var durable = results.FirstOrDefault(r => r.Spec.Label == "Orchestrator (sqlite)");
        if (durable is null)
        {
            output.WriteLine("  targets: not checked (they apply to the durable SQLite store; run with --store sqlite or both)");
            return;
        }

        var throughputOk = durable.StepsPerSecond >= EngineBenchmark.TargetStepsPerSecond;
        var latencyOk = durable.P50 <= EngineBenchmark.TargetP50Ms;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  target durable throughput >= {EngineBenchmark.TargetStepsPerSecond:#,0} steps/s: {durable.StepsPerSecond:#,0} -> {(throughputOk ? "MET" : "MISSED")}"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  target lone-run p50 <= {EngineBenchmark.TargetP50Ms} ms: {durable.P50:0.000} ms -> {(latencyOk ? "MET" : "MISSED")}"));
        if (!throughputOk || !latencyOk)
        {
            output.WriteLine("  (--profile breaks Orchestrator's cost down by component: store, worker, engine, GC)");
        }
    }

    public static void Print(IReadOnlyList<string[]> rows, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            output.WriteLine("  | " + string.Join(" | ", cells) + " |");
            if (r == 0)
            {
                output.WriteLine("  |" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
            }
        }
    }

    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
