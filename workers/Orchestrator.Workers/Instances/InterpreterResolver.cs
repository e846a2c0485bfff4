using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Instances;

/// <summary>
/// Resolves an interpreter command to the real executable once per process. <c>python3</c> on PATH may be a pyenv
/// (or asdf) shim: a shell script that costs ~200-300 ms on every start. Asking the interpreter where it lives
/// (<c>sys.executable</c>, <c>process.execPath</c>, <c>PHP_BINARY</c>) costs that once.
/// </summary>
internal static class InterpreterResolver
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Resolved = new(StringComparer.Ordinal);

    public static string DefaultCommand(FunctionRuntime runtime) => runtime switch
    {
        FunctionRuntime.Python => "python3",
        FunctionRuntime.Node => "node",
        _ => "php",
    };

    /// <summary>The real executable behind <paramref name="command"/>, or the command itself when the probe fails
    /// (starting it then reports the real problem, e.g. that it is not installed).</summary>
    public static Task<string> ResolveAsync(FunctionRuntime runtime, string command) =>
        Resolved.GetOrAdd($"{runtime}:{command}", _ => new Lazy<Task<string>>(() => ProbeAsync(runtime, command))).Value;

    private static async Task<string> ProbeAsync(FunctionRuntime runtime, string command)
    {
        string[] arguments = runtime switch
        {
            FunctionRuntime.Python => ["-c", "import sys; print(sys.executable)"],
            FunctionRuntime.Node => ["-p", "process.execPath"],
            _ => ["-r", "echo PHP_BINARY, PHP_EOL;"],
        };
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process = null;
        try
        {
            process = Process.Start(start)!;
            // The probe runs once, at the first cold start; a real-clock bound keeps a broken shim from hanging it.
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var path = (await output.ConfigureAwait(false)).Trim();
            return process.ExitCode == 0 && Path.IsPathFullyQualified(path) && File.Exists(path) ? path : command;
        }
#pragma warning disable CA1031 // Any failure of the probe falls back to the plain command; starting it reports the problem.
        catch (Exception)
#pragma warning restore CA1031
        {
            return command;
        }
        finally
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }

            process?.Dispose();
        }
    }
}
