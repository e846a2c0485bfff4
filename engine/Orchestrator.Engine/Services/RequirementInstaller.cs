using System.Diagnostics;

namespace Orchestrator.Engine.Services;

/// <summary>
/// Makes sure a folder's requirements are installed: when some are missing it installs their Debian packages with
/// apt-get if running as root, and otherwise says exactly which command to run.
/// </summary>
public static class RequirementInstaller
{
    /// <summary>The requirements that are not met.</summary>
    public static IReadOnlyList<ServiceRequirement> Missing(IEnumerable<ServiceRequirement> requirements) =>
        [.. requirements.Where(r => !IsMet(r))];

    /// <summary>Installs what is missing, or throws <see cref="InvalidOperationException"/> with the command to run.</summary>
    public static async Task EnsureAsync(IEnumerable<ServiceRequirement> requirements, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var missing = Missing(requirements);
        if (missing.Count == 0)
        {
            return;
        }

        var packages = string.Join(' ', missing.Select(r => r.AptPackage).Distinct(StringComparer.Ordinal));
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException($"missing {string.Join(", ", missing.Select(r => r.Value))}; install with: sudo apt-get install -y {packages}");
        }

        await log.WriteLineAsync($"installing {packages} (apt-get)").ConfigureAwait(false);
        await RunAsync("apt-get", "update -qq", cancellationToken).ConfigureAwait(false);
        await RunAsync("apt-get", $"install -y -qq {packages}", cancellationToken).ConfigureAwait(false);
        if (Missing(missing) is { Count: > 0 } still)
        {
            throw new InvalidOperationException($"still missing after apt-get install {packages}: {string.Join(", ", still.Select(r => r.Value))}");
        }
    }

    private static bool IsMet(ServiceRequirement requirement) => requirement.Kind switch
    {
        "command" => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, requirement.Value))),
        "path" => File.Exists(requirement.Value) || Directory.Exists(requirement.Value),
        _ => File.Exists("/usr/bin/python3") && Exits0("/usr/bin/python3", $"-c \"import {requirement.Value}\""),
    };

    private static bool Exits0(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true });
        process!.WaitForExit();
        return process.ExitCode == 0;
    }

    private static async Task RunAsync(string program, string arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {(await errors.ConfigureAwait(false)).Trim()}");
        }
    }
}
