namespace Orchestrator.Core.Interpreter;

/// <summary>
/// How an engine stops its runs without ending them: runs stop where they are, record that they were suspended,
/// and stay <c>Running</c> in the store, to be resumed from their history by the next engine.
/// </summary>
internal sealed class RunSuspension : IDisposable
{
    private readonly CancellationTokenSource _waits = new();
    private readonly CancellationTokenSource _all = new();

    /// <summary>Cancelled when runs in a durable wait (listen, wait, retry delay) must stop.</summary>
    public CancellationToken Waits => _waits.Token;

    /// <summary>Cancelled when every run must stop, whatever it is doing.</summary>
    public CancellationToken All => _all.Token;

    /// <summary>Whether runs are being suspended (then a cancellation is a suspension, not an end).</summary>
    public bool Requested => _waits.IsCancellationRequested || _all.IsCancellationRequested;

    public void SuspendWaits() => _waits.Cancel();

    public void SuspendAll()
    {
        _waits.Cancel();
        _all.Cancel();
    }

    public void Dispose()
    {
        _waits.Dispose();
        _all.Dispose();
    }
}
