namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>What one queue trigger did since its engine started. Safe to read while it runs.</summary>
public sealed class TriggerStatistics
{
    private long _received;
    private long _started;
    private long _deadLettered;
    private long _duplicates;
    private long _startFailures;
    private long _completed;
    private long _failed;
    private long _suspended;

    /// <summary>Messages taken from the queue (a redelivered message counts again).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Runs durably started (their messages acknowledged).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Messages moved to the dead-letter queue: not JSON, not a valid CloudEvent, or failing <c>input.schema</c>.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Messages whose correlation value had already started a run: acknowledged without a second run.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Starts that failed (the store refused the first commit); their messages went back to the queue.</summary>
    public long StartFailures => Interlocked.Read(ref _startFailures);

    /// <summary>Runs started here that completed.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Runs started here that failed or were cancelled.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Runs started here that the engine suspended when it stopped: still running in the store, resumable.</summary>
    public long Suspended => Interlocked.Read(ref _suspended);

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnStarted() => Interlocked.Increment(ref _started);

    internal void OnDeadLettered() => Interlocked.Increment(ref _deadLettered);

    internal void OnDuplicate() => Interlocked.Increment(ref _duplicates);

    internal void OnStartFailed() => Interlocked.Increment(ref _startFailures);

    internal void OnEnded(bool completed) => Interlocked.Increment(ref completed ? ref _completed : ref _failed);

    internal void OnSuspended() => Interlocked.Increment(ref _suspended);

    /// <inheritdoc />
    public override string ToString() =>
        $"received={Received} started={Started} deadLettered={DeadLettered} duplicates={Duplicates} startFailures={StartFailures} completed={Completed} failed={Failed} suspended={Suspended}";
}
