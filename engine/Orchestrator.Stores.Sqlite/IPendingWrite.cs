namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// Something waiting in the writer's queue: a run's save (the hot path, <see cref="PendingSave"/>) or one of the
/// rarer writes (<see cref="PendingOperation{T}"/>). The writer writes a batch of them in one transaction, then
/// completes them all, or fails them.
/// </summary>
internal interface IPendingWrite
{
    /// <summary>Writes this inside the writer's open transaction; may run again (alone) if the batch rolled back.</summary>
    /// <returns>How many rows it wrote (for the checkpointer).</returns>
    int WriteRows(SqliteBatchWriter writer);

    /// <summary>Called once the transaction that wrote it committed.</summary>
    void Complete();

    /// <summary>Called when it could not be written.</summary>
    void Fail(Exception error);
}
