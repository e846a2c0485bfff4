using System.Diagnostics;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>
/// A runtime's real interpreter. <c>python3</c> on PATH may be a pyenv shim (a shell script costing ~200 ms a start),
/// so the executable is asked once where it lives, as the worker's resolver does (<c>sys.executable</c>,
/// <c>process.execPath</c>, <c>PHP_BINARY</c>), and the bare starts run that executable.
/// </summary>
internal sealed record Interpreter(FunctionRuntime Runtime, string Name, string Command, string Executable, string Version)
{
    /// <summary>The bare start's arguments: a program that does nothing.</summary>
    public IReadOnlyList<string> BareArguments => Runtime switch
    {
        FunctionRuntime.Python => ["-c", "pass"],
        FunctionRuntime.Node => ["-e", "0"],
        _ => ["-r", ""],
    };

    /// <summary>The bare start as a command line, for the report.</summary>
    public string BareCommand => Runtime switch
    {
        FunctionRuntime.Python => "python3 -c pass",
        FunctionRuntime.Node => "node -e 0",
        _ => "php -r ''",
    };

    public static async Task<Interpreter> ResolveAsync(FunctionRuntime runtime)
    {
        var (name, command) = runtime switch
        {
            FunctionRuntime.Python => ("python", "python3"),
            FunctionRuntime.Node => ("node", "node"),
            _ => ("php", "php"),
        };
        string[] probe = runtime switch
        {
            FunctionRuntime.Python => ["-c", "import sys, platform; print(sys.executable); print(platform.python_version())"],
            FunctionRuntime.Node => ["-p", "process.execPath + '\\n' + process.version"],
            _ => ["-r", "echo PHP_BINARY, PHP_EOL, PHP_VERSION, PHP_EOL;"],
        };
        var start = new ProcessStartInfo(command, probe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        _ = await process.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length < 2 || !File.Exists(lines[0]))
        {
            throw new InvalidOperationException($"cannot find the real executable behind '{command}' (exit {process.ExitCode}: {output.Trim()})");
        }

        return new Interpreter(runtime, name, command, lines[0], lines[1].TrimStart('v'));
    }
}
