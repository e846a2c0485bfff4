using System.Collections.Concurrent;
using Orchestrator.Functions;

namespace Orchestrator.Engine.Tests.Support;

/// <summary>
/// Test functions that report what happened to them: how many ran at once, which were cancelled, which attempts
/// were seen. <c>block</c> waits until cancelled (or released); <c>track</c> holds a slot for a moment.
/// </summary>
internal sealed class Probe
{
    private int _running;
    private int _maxRunning;

    public ConcurrentQueue<string> Cancelled { get; } = new();

    public ConcurrentQueue<string> Started { get; } = new();

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IFunction<Dictionary<string, object>, string> Block => new BlockFunction(this);

    public IFunction<Dictionary<string, object>, int> Track => new TrackFunction(this);

    private sealed class BlockFunction(Probe probe) : IFunction<Dictionary<string, object>, string>
    {
        public async Task<string> InvokeAsync(Dictionary<string, object> input, FunctionContext context, CancellationToken cancellationToken)
        {
            probe.Started.Enqueue(context.Step);
            try
            {
                await probe.Release.Task.WaitAsync(cancellationToken);
                return "released";
            }
            catch (OperationCanceledException)
            {
                probe.Cancelled.Enqueue(context.Step);
                throw;
            }
        }
    }

    private sealed class TrackFunction(Probe probe) : IFunction<Dictionary<string, object>, int>
    {
        public async Task<int> InvokeAsync(Dictionary<string, object> input, FunctionContext context, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref probe._running);
            int seen;
            while ((seen = Volatile.Read(ref probe._maxRunning)) < now && Interlocked.CompareExchange(ref probe._maxRunning, now, seen) != seen)
            {
            }

            // Hold the slot long enough for the others to pile up, on the real clock (no timing is asserted).
            await Task.Delay(5, cancellationToken);
            Interlocked.Decrement(ref probe._running);
            return now;
        }
    }
}
