using System.Globalization;
using Orchestrator.Benchmarks.Engine;
using Orchestrator.Workers.Pool;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>
/// <c>./orchestrator bench coldstart</c>: per runtime (python, node, php), the bare interpreter start, the cold start
/// of a function without and with a prewarmed stem cell, and the warm round trip, all through the public worker API
/// (<c>FunctionRegistry.AddFunctionFolders</c> → <c>AdapterFunctionExecutor</c>) on echo functions written to a temp
/// folder. Runtimes are interleaved per sample (their order rotating) so machine noise hits all of them alike.
/// </summary>
internal static class ColdstartBenchmark
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (args.AsSpan().Contains("--help") || args.AsSpan().Contains("-h"))
        {
            await output.WriteLineAsync(ColdstartOptions.Usage).ConfigureAwait(false);
            return 0;
        }

        if (!ColdstartOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"bench coldstart: {error}\n{ColdstartOptions.Usage}").ConfigureAwait(false);
            return 2;
        }

        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var interpreters = new List<Interpreter>();
        foreach (var runtime in options.Runtimes)
        {
            interpreters.Add(await Interpreter.ResolveAsync(runtime).ConfigureAwait(false));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"cold-start benchmark: {options.Samples} samples per measure per runtime, runtimes interleaved; {options.WarmPerSample} early and {options.WarmPerSample} warm round trips per sample")).ConfigureAwait(false);
        foreach (var line in MachineInfo.Describe())
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        foreach (var interpreter in interpreters)
        {
            await output.WriteLineAsync($"{interpreter.Name + ":",-8} {interpreter.Version} at {interpreter.Executable} ({interpreter.Command} on PATH: {OnPath(interpreter.Command)})").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"load average at start: {MachineInfo.LoadAverage() ?? "n/a"} (1, 5, 15 min)").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        using var functions = new EchoFunctions();
        var probe = new ColdstartProbe(functions, new WorkerOptions(), options.WarmPerSample);
        // One unreported round first: the worker's interpreter probe (once per process), the JIT and the page cache.
        await SampleAsync(probe, interpreters, new Timings(), 0).ConfigureAwait(false);
        var timings = new Timings();
        for (var sample = 0; sample < options.Samples; sample++)
        {
            await SampleAsync(probe, interpreters, timings, sample).ConfigureAwait(false);
        }

        await ColdstartReport.WriteAsync(output, interpreters, timings).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"load average at end: {MachineInfo.LoadAverage() ?? "n/a"} (1, 5, 15 min){(MachineInfo.Busy() ? "  -- busy machine: the figures are noisy" : "")}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>One sample of every measure for every runtime, the runtimes' order rotated by the sample's number.</summary>
    private static async Task SampleAsync(ColdstartProbe probe, List<Interpreter> interpreters, Timings timings, int sample)
    {
        for (var i = 0; i < interpreters.Count; i++)
        {
            var interpreter = interpreters[(sample + i) % interpreters.Count];
            timings.Add(interpreter.Runtime, Measure.Bare, await ColdstartProbe.BareAsync(interpreter, noSite: false).ConfigureAwait(false));
            if (interpreter.Runtime == Workers.Manifests.FunctionRuntime.Python)
            {
                timings.Add(interpreter.Runtime, Measure.BareNoSite, await ColdstartProbe.BareAsync(interpreter, noSite: true).ConfigureAwait(false));
            }

            await probe.ColdAndWarmAsync(interpreter, timings).ConfigureAwait(false);
            await probe.StemAsync(interpreter, timings).ConfigureAwait(false);
        }
    }

    private static string OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists) ?? "not found";
}
