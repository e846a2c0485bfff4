using Orchestrator.Benchmarks.Engine;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>The timings collected, in milliseconds, by runtime and measure; percentiles by nearest rank.</summary>
internal sealed class Timings
{
    private readonly Dictionary<(FunctionRuntime, Measure), List<double>> _values = [];

    public void Add(FunctionRuntime runtime, Measure measure, double milliseconds)
    {
        if (!_values.TryGetValue((runtime, measure), out var list))
        {
            list = [];
            _values[(runtime, measure)] = list;
        }

        list.Add(milliseconds);
    }

    public int Count(FunctionRuntime runtime, Measure measure) =>
        _values.TryGetValue((runtime, measure), out var list) ? list.Count : 0;

    /// <summary>The p-th percentile (0 &lt; p ≤ 100) by nearest rank, or NaN without values.</summary>
    public double Percentile(FunctionRuntime runtime, Measure measure, double p) =>
        _values.TryGetValue((runtime, measure), out var list) ? Percentiles.Of([.. list.Order()], p) : double.NaN;

    public double Median(FunctionRuntime runtime, Measure measure) => Percentile(runtime, measure, 50);

    public double P99(FunctionRuntime runtime, Measure measure) => Percentile(runtime, measure, 99);
}
