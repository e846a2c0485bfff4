using System.Diagnostics;
using System.Runtime;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Process-wide counters read before and after a phase; the difference is what the phase cost.</summary>
internal readonly record struct ResourceSnapshot(
    long Timestamp,
    TimeSpan Cpu,
    long Allocated,
    int Gen0,
    int Gen1,
    int Gen2,
    long WorkItems,
    long LockContentions,
    TimeSpan GcPause,
    int PoolThreads)
{
    public static ResourceSnapshot Take()
    {
        using var process = Process.GetCurrentProcess();
        return new(
            Stopwatch.GetTimestamp(),
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            ThreadPool.CompletedWorkItemCount,
            Monitor.LockContentionCount,
            GC.GetTotalPauseDuration(),
            ThreadPool.ThreadCount);
    }

    public PhaseCost Since(ResourceSnapshot start) => new(
        Stopwatch.GetElapsedTime(start.Timestamp, Timestamp),
        Cpu - start.Cpu,
        Allocated - start.Allocated,
        Gen0 - start.Gen0,
        Gen1 - start.Gen1,
        Gen2 - start.Gen2,
        WorkItems - start.WorkItems,
        LockContentions - start.LockContentions,
        GcPause - start.GcPause,
        start.PoolThreads,
        PoolThreads);
}

/// <summary>What a phase cost: wall time, CPU time of the whole process, bytes allocated, collections, GC pauses, thread-pool items.</summary>
internal readonly record struct PhaseCost(
    TimeSpan Wall,
    TimeSpan Cpu,
    long Allocated,
    int Gen0,
    int Gen1,
    int Gen2,
    long WorkItems,
    long LockContentions,
    TimeSpan GcPause,
    int PoolThreadsBefore,
    int PoolThreadsAfter)
{
    /// <summary>Share of the wall time during which the GC had the process's threads paused.</summary>
    public double GcPauseShare => GcPause / Wall;

    /// <summary>CPU time over the wall time of every core: 1 means all cores busy throughout.</summary>
    public double CpuUse => Cpu / (Wall * Environment.ProcessorCount);

    /// <summary>CPU microseconds per unit (all threads: engine, workers, store writer, GC).</summary>
    public double CpuMicrosPer(long units) => Cpu.TotalMicroseconds / units;

    public double BytesPer(long units) => (double)Allocated / units;

    public double WorkItemsPer(long units) => (double)WorkItems / units;
}

/// <summary>
/// The process's resident set: current, and the high-water mark since the last <see cref="ResetPeak"/>.
/// On Linux the kernel's own peak (VmHWM) is reset by writing 5 to <c>/proc/self/clear_refs</c>, so each engine's
/// peak is its own and not the process's lifetime peak. Elsewhere the peak is sampled every 5 ms.
/// </summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly bool _kernelPeak;
    private readonly Timer? _sampler;
    private long _sampledPeak;

    public PeakMemory()
    {
        _kernelPeak = TryResetKernelPeak();
        if (!_kernelPeak)
        {
            _sampler = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(5));
        }
    }

    /// <summary>How the peak is known, for the report.</summary>
    public string Method => _kernelPeak
        ? "kernel high-water mark (VmHWM, reset via /proc/self/clear_refs before each engine)"
        : "working set sampled every 5 ms";

    public static long Current
    {
        get
        {
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }
    }

    public void ResetPeak()
    {
        if (_kernelPeak)
        {
            TryResetKernelPeak();
        }
        else
        {
            Interlocked.Exchange(ref _sampledPeak, Current);
        }
    }

    public long Peak()
    {
        if (_kernelPeak)
        {
            using var process = Process.GetCurrentProcess();
            return process.PeakWorkingSet64;
        }

        Sample();
        return Interlocked.Read(ref _sampledPeak);
    }

    public void Dispose() => _sampler?.Dispose();

    /// <summary>A full, compacting collection that also hands free memory back to the OS, so a baseline is clean.</summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static bool TryResetKernelPeak()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Sample()
    {
        var now = Current;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _sampledPeak);
        }
        while (now > seen && Interlocked.CompareExchange(ref _sampledPeak, now, seen) != seen);
    }
}

/// <summary>Percentiles of a set of latencies.</summary>
internal static class Percentiles
{
    /// <summary>The nearest-rank percentile (p in 0..100) of values already sorted ascending.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return Of(sorted, 50);
    }
}
