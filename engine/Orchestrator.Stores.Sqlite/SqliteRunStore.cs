using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orchestrator.Core.History;

namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// Keeps runs and their history in one SQLite file (WAL mode), for an engine that runs on one machine.
/// </summary>
/// <remarks>
/// <para>
/// Writes use group commit: <see cref="SaveAsync"/> queues its changes and one background writer commits
/// everything queued so far in a single transaction, then completes all those saves. A lone save costs one
/// small transaction; thousands of concurrent runs share each commit instead of queueing for one apiece.
/// </para>
/// <para>
/// Durability: with <c>synchronous=NORMAL</c> a completed save survives a crash of this process; an OS crash or
/// power loss can lose the last commits, never corrupt the file. Reads use their own pooled connections and see
/// every save that has completed.
/// </para>
/// <para>Only one store should write to a given file at a time; a second process waits for the write lock.</para>
/// </remarks>
public sealed class SqliteRunStore : IRunStore, IAsyncDisposable
{
    // A bound on one transaction, so a burst never builds one unbounded transaction; the rest follow at once.
    private const int MaxBatch = 4096;

    private readonly Channel<PendingSave> _queue = Channel.CreateUnbounded<PendingSave>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly SqliteBatchWriter _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly string _readConnectionString;
    private readonly Task _writerLoop;
    private int _disposed;

    /// <summary>Opens the database at <paramref name="path"/>, creating the file, its folder and its tables as needed.</summary>
    /// <param name="path">The database file, e.g. <c>.orchestrator/runs.db</c>.</param>
    /// <exception cref="SqliteException">The file cannot be opened or is not a database.</exception>
    /// <exception cref="InvalidOperationException">The file was written by a newer schema version.</exception>
    public SqliteRunStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Writer and checkpointer connections are not pooled: disposing the store must really close them
        // (closing the last one checkpoints the WAL into the file).
        var writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _writer = new SqliteBatchWriter(writeConnectionString);
        try
        {
            _checkpointer = new SqliteCheckpointer(writeConnectionString);
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();

        _writerLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Queues the changes for the next group commit; completes once they are committed, or faults with the
    /// reason they were not (other saves are unaffected).
    /// </summary>
    /// <remarks>
    /// A run's workflow, version, start time and input are taken from its first save; later saves update its
    /// status, end time, output and error.
    /// Saves are committed in the order this method is called (one queue, one writer), so a caller that calls it
    /// under its own lock gets its saves committed in that lock's order.
    /// <paramref name="cancellationToken"/> is honoured only before the changes are queued: once queued they will
    /// be written, and a save that reported "cancelled" but then committed would mislead the caller.
    /// </remarks>
    /// <exception cref="ArgumentException">An event belongs to another run, or sequences do not increase.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var save = PendingSave.Create(changes);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(save), this);
        return save.AsValueTask();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqliteRunReader.ListRunsAsync(connection, limit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Several run ids start with <paramref name="runId"/> and none equals it.</exception>
    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqliteRunReader.FindRunAsync(connection, runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks><paramref name="runId"/> is the full id (resolve a prefix with <see cref="GetRunAsync"/> first).</remarks>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqliteRunReader.GetHistoryAsync(connection, runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes every save already queued, then closes the database. Later saves throw.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);

        // Readers first: the writer's connection must be the last one closed, because only the last connection
        // checkpoints the WAL into the file and deletes it (pooled readers would otherwise keep it open).
        using (var reader = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(reader);
        }

        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingSave>(64);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var save))
            {
                batch.Add(save);
            }

            // Completes or fails every save in the batch and never throws, so the loop outlives a failed write.
            var rows = _writer.Write(batch);
            batch.Clear();
            _checkpointer.Committed(rows);
        }
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
