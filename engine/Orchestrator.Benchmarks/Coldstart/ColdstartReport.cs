using System.Globalization;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>Prints the table of the cold-start benchmark, its ratios and its targets.</summary>
internal static class ColdstartReport
{
    /// <summary>Cold start without a stem cell, as a multiple of the bare interpreter start.</summary>
    public const double ColdRatioTarget = 1.5;

    /// <summary>Cold start with a ready stem cell, p50, ms.</summary>
    public const double StemTargetMs = 5;

    /// <summary>Warm round trip, p50, ms.</summary>
    public const double WarmTargetMs = 0.3;

    public static async Task WriteAsync(TextWriter output, IReadOnlyList<Interpreter> interpreters, Timings timings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(interpreters);
        ArgumentNullException.ThrowIfNull(timings);
        await output.WriteLineAsync("runtime  measure                                              n     p50 ms     p99 ms").ConfigureAwait(false);
        foreach (var interpreter in interpreters)
        {
            var runtime = interpreter.Runtime;
            var python = runtime == FunctionRuntime.Python;
            await Row(output, timings, interpreter, Measure.Bare, $"(1) bare: {interpreter.BareCommand}").ConfigureAwait(false);
            if (python)
            {
                await Row(output, timings, interpreter, Measure.BareNoSite, "(1) bare: python3 -S -c pass (as the worker)").ConfigureAwait(false);
            }

            await Row(output, timings, interpreter, Measure.Cold, "(2) cold, no stem cell: spawn+ready+init+invoke").ConfigureAwait(false);
            await Row(output, timings, interpreter, Measure.ColdInit, "    of which InitMs (worker: spawn..initialized)").ConfigureAwait(false);
            await Row(output, timings, interpreter, Measure.Stem, "(3) cold, stem cell ready: init+invoke").ConfigureAwait(false);
            await Row(output, timings, interpreter, Measure.StemInit, "    of which InitMs (worker: init only)").ConfigureAwait(false);
            await Row(output, timings, interpreter, Measure.WarmEarly, "    round trips 1-N after the cold start (not warm)").ConfigureAwait(false);
            await Row(output, timings, interpreter, Measure.Warm, "(4) warm round trip (after 50 more)").ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("ratios of medians; (1) is the start the worker makes (python: -S)").ConfigureAwait(false);
        await output.WriteLineAsync("runtime  (2)/(1)  (3)/(1)   targets: (2)/(1) <= 1.5   (3) p50 <= 5 ms   (4) p50 <= 0.3 ms").ConfigureAwait(false);
        foreach (var interpreter in interpreters)
        {
            var runtime = interpreter.Runtime;
            var bare = timings.Median(runtime, runtime == FunctionRuntime.Python ? Measure.BareNoSite : Measure.Bare);
            var cold = timings.Median(runtime, Measure.Cold) / bare;
            var stem = timings.Median(runtime, Measure.Stem);
            var warm = timings.Median(runtime, Measure.Warm);
            var extra = runtime == FunctionRuntime.Python
                ? string.Create(CultureInfo.InvariantCulture, $"   (against python3 -c pass with site: {timings.Median(runtime, Measure.Cold) / timings.Median(runtime, Measure.Bare):F2}x)")
                : "";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{interpreter.Name,-8} {cold,6:F2}x  {stem / bare,6:F3}x   {Verdict(cold <= ColdRatioTarget),-20} {Verdict(stem <= StemTargetMs),-17} {Verdict(warm <= WarmTargetMs)}{extra}")).ConfigureAwait(false);
        }
    }

    private static async Task Row(TextWriter output, Timings timings, Interpreter interpreter, Measure measure, string label)
    {
        var runtime = interpreter.Runtime;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{interpreter.Name,-8} {label,-52} {timings.Count(runtime, measure),4} {timings.Median(runtime, measure),10:F3} {timings.P99(runtime, measure),10:F3}")).ConfigureAwait(false);
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}
