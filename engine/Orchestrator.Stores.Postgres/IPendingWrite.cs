namespace Orchestrator.Stores.Postgres;

/// <summary>
/// Something waiting in the writer's queue: a run's save (the hot path, <see cref="PendingSave"/>, committed with the
/// saves beside it in one transaction) or a lease renewal or claim (<see cref="PendingOperation{T}"/>, run alone, in
/// queue order with the saves around it).
/// </summary>
internal interface IPendingWrite
{
    /// <summary>Called when it could not be written.</summary>
    void Fail(Exception error);
}

/// <summary>A write other than a save: it runs on the writer's connection, alone, when it reaches the queue's head.</summary>
internal abstract class PendingOperation : IPendingWrite
{
    /// <summary>Runs it and completes its caller; never throws.</summary>
    public abstract Task RunAsync(PostgresBatchWriter writer);

    /// <inheritdoc />
    public abstract void Fail(Exception error);
}

/// <typeparam name="T">What the caller gets once the write is committed.</typeparam>
internal sealed class PendingOperation<T>(Func<PostgresBatchWriter, Task<T>> operation) : PendingOperation
{
    // Continuations run on the thread pool so that the writer loop never runs callers' code.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override async Task RunAsync(PostgresBatchWriter writer)
    {
        try
        {
            _completion.TrySetResult(await operation(writer).ConfigureAwait(false));
        }
        catch (Exception error)
        {
            // Any failure: a caller whose task is never completed would hang.
            writer.DropBrokenConnection();
            _completion.TrySetException(error);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
