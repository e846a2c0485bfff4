using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Sqlite;

/// <summary>A run's save in the writer's queue: the changes as column values (<see cref="QueuedSave"/>), written by <see cref="SqliteBatchWriter.WriteSave"/>.</summary>
internal sealed class PendingSave(RunChanges changes) : QueuedSave(changes), IPendingWrite
{
    public int WriteRows(SqliteBatchWriter writer) => writer.WriteSave(this);
}
