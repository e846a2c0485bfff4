namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// A write other than a save (an inbox message, a lease renewal or claim) that goes through the same queue and
/// writer, so the file keeps one writing connection and these commit in order with the saves around them.
/// </summary>
/// <typeparam name="T">What the caller gets once the write is committed.</typeparam>
internal sealed class PendingOperation<T> : IPendingWrite
{
    private readonly Func<SqliteBatchWriter, (T Result, int Rows)> _operation;

    // Continuations run on the thread pool so that the writer thread never runs callers' code.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public PendingOperation(Func<SqliteBatchWriter, (T Result, int Rows)> operation)
    {
        _operation = operation;
    }

    public Task<T> Task => _completion.Task;

    public int WriteRows(SqliteBatchWriter writer)
    {
        // A rerun (the batch rolled back and is retried write by write) replaces the rolled-back result.
        var (result, rows) = _operation(writer);
        _result = result;
        return rows;
    }

    public void Complete() => _completion.TrySetResult(_result);

    public void Fail(Exception error) => _completion.TrySetException(error);
}
