using System.Runtime;
using System.Runtime.InteropServices;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>What the figures were measured on.</summary>
internal static class MachineInfo
{
    public static IEnumerable<string> Describe()
    {
        yield return $"cpu:     {CpuModel()} ({Environment.ProcessorCount} logical cores visible to .NET)";
        yield return $"os:      {OsName()} ({RuntimeInformation.OSArchitecture}, kernel {Environment.OSVersion.Version})";
        yield return $".NET:    {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier}), {(GCSettings.IsServerGC ? "server" : "workstation")} GC, latency mode {GCSettings.LatencyMode}";
        yield return $"memory:  {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB available to the GC";
    }

    /// <summary>The 1, 5 and 15 minute load averages, or null where /proc/loadavg is missing.</summary>
    public static string? LoadAverage()
    {
        try
        {
            if (File.Exists("/proc/loadavg"))
            {
                var parts = File.ReadAllText("/proc/loadavg").Split(' ');
                return $"{parts[0]} {parts[1]} {parts[2]}";
            }
        }
        catch (IOException)
        {
            // Not on Linux.
        }

        return null;
    }

    /// <summary>True when other processes were keeping at least half the cores busy over the last minute.</summary>
    public static bool Busy() =>
        LoadAverage() is { } load
        && double.TryParse(load.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var one)
        && one >= Environment.ProcessorCount * 0.5;

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
            // Fall through to the architecture alone.
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string OsName()
    {
        try
        {
            if (File.Exists("/etc/os-release"))
            {
                foreach (var line in File.ReadLines("/etc/os-release"))
                {
                    if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                    {
                        return line["PRETTY_NAME=".Length..].Trim('"');
                    }
                }
            }
        }
        catch (IOException)
        {
            // Fall through to the runtime's description.
        }

        return RuntimeInformation.OSDescription;
    }
}
