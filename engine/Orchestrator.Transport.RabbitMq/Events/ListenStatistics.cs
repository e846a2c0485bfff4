namespace Orchestrator.Transport.RabbitMq.Events;

/// <summary>Counters of one listen channel since the engine started; safe to read while it runs.</summary>
public sealed class ListenStatistics
{
    private long _received;
    private long _stored;
    private long _deadLettered;
    private long _storeFailures;

    /// <summary>Messages delivered by the broker (redeliveries included).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages stored in the engine's inbox (and acknowledged): handed to a waiting listen, or kept for one.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Messages that were not JSON or not a valid CloudEvent, moved to <c>CHANNEL.dead</c>.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Messages the store could not take; they went back to the queue.</summary>
    public long StoreFailures => Interlocked.Read(ref _storeFailures);

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnStored() => Interlocked.Increment(ref _stored);

    internal void OnDeadLettered() => Interlocked.Increment(ref _deadLettered);

    internal void OnStoreFailed() => Interlocked.Increment(ref _storeFailures);

    /// <inheritdoc />
    public override string ToString() => $"received={Received} stored={Stored} deadLettered={DeadLettered} storeFailures={StoreFailures}";
}
