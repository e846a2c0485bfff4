using System.Diagnostics;
using Orchestrator.Contracts;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Times each function call from the executor's start to its end.</summary>
internal sealed class TimingExecutor(IFunctionExecutor inner, Timeline timeline) : IFunctionExecutor
{
    public string Name => inner.Name;

    public async Task<InvocationOutcome> ExecuteAsync(InvokeFunction command, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = await inner.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        timeline.Call(start, Stopwatch.GetTimestamp());
        return outcome;
    }
}
