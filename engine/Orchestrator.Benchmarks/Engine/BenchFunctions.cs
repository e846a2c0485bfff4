using Orchestrator.Functions;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>The value passed from step to step.</summary>
/// <param name="Value">1 at the start; 7 after the three steps.</param>
public sealed record BenchNumber(int Value);

// The three trivial functions of the benchmark workflow. Each awaits Task.Yield() so that it really runs
// asynchronously (one thread-pool hop), exactly like the WorkflowCore steps it is compared with.

/// <summary><c>bench-add</c>: value + 1.</summary>
public sealed class BenchAdd : IFunction<BenchNumber, BenchNumber>
{
    /// <inheritdoc />
    public async Task<BenchNumber> InvokeAsync(BenchNumber input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await Task.Yield();
        return new BenchNumber(input.Value + 1);
    }
}

/// <summary><c>bench-double</c>: value × 2.</summary>
public sealed class BenchDouble : IFunction<BenchNumber, BenchNumber>
{
    /// <inheritdoc />
    public async Task<BenchNumber> InvokeAsync(BenchNumber input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await Task.Yield();
        return new BenchNumber(input.Value * 2);
    }
}

/// <summary><c>bench-add3</c>: value + 3.</summary>
public sealed class BenchAddThree : IFunction<BenchNumber, BenchNumber>
{
    /// <inheritdoc />
    public async Task<BenchNumber> InvokeAsync(BenchNumber input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await Task.Yield();
        return new BenchNumber(input.Value + 3);
    }
}
