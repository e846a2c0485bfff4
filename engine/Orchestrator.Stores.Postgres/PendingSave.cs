using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Postgres;

/// <summary>A run's save in the writer's queue: the changes as column values (<see cref="QueuedSave"/>), sent with the rest of its batch.</summary>
internal sealed class PendingSave : QueuedSave, IPendingWrite
{
    public PendingSave(RunChanges changes)
        : base(changes)
    {
        long size = 128 + (Input?.Length ?? 0) + (Output?.Length ?? 0) + (Error?.Length ?? 0);
        foreach (var data in EventData)
        {
            size += 64 + (data?.Length ?? 0);
        }

        Size = size;
    }

    /// <summary>Roughly how many characters it sends: what bounds a batch's size besides its count.</summary>
    public long Size { get; }
}
