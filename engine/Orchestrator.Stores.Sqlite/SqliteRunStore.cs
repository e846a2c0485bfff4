using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// Keeps runs, their history and the inbox of messages waiting for <c>listen</c> steps in one SQLite file (WAL mode),
/// for engines on one machine.
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
/// <para>
/// Inbox messages, lease renewals and claims go through the same queue and writer as saves, so they commit in
/// order with them and the file keeps one writing connection per store. A save deletes the inbox messages it
/// consumed in its own transaction.
/// </para>
/// <para>
/// Several stores (processes) may share a file: each transaction takes the write lock (a second writer waits for
/// it), and the leases (<see cref="IRunLeases"/>) say which store drives each running run.
/// </para>
/// </remarks>
public sealed class SqliteRunStore : IRunStore, IEventInbox, IRunLeases, IAsyncDisposable
{

    // A bound on one transaction, so a burst never builds one unbounded transaction; the rest follow at once.
    private const int MaxBatch = 4096;

    private readonly Channel<IPendingWrite> _queue = Channel.CreateUnbounded<IPendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly SqliteBatchWriter _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly string _readConnectionString;
    private readonly Task _writerLoop;
    private int _disposed;

    /// <summary>
    /// Opens the database at <paramref name="path"/>, creating the file, its folder and its tables as needed, and
    /// migrating a file of an older schema version in place.
    /// </summary>
    /// <param name="path">The database file, e.g. <c>.orchestrator/runs.db</c>.</param>
    /// <param name="leaseDuration">How long a lease lasts (<see cref="LeaseDuration"/>); default
    /// <see cref="RunLeases.DefaultDuration"/>.</param>
    /// <param name="owner">This store's <see cref="Owner"/>; default a new random id.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseDuration"/> is not positive.</exception>
    /// <exception cref="SqliteException">The file cannot be opened or is not a database.</exception>
    /// <exception cref="InvalidOperationException">The file was written by a newer schema version.</exception>
    public SqliteRunStore(string path, TimeSpan? leaseDuration = null, string? owner = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        LeaseDuration = leaseDuration ?? RunLeases.DefaultDuration;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseDuration, TimeSpan.Zero, nameof(leaseDuration));
        if (owner is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        }

        Owner = owner ?? Guid.NewGuid().ToString("N");
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
        _writer = new SqliteBatchWriter(writeConnectionString, Owner, LeaseDuration);
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

    /// <inheritdoc />
    public string Owner { get; }

    /// <inheritdoc />
    public TimeSpan LeaseDuration { get; }

    /// <summary>
    /// Queues the changes for the next group commit; completes once they are committed, or faults with the
    /// reason they were not (other saves are unaffected).
    /// </summary>
    /// <remarks>
    /// A run's workflow, version, start time and input are taken from its first save; later saves update its
    /// status, end time, output and error. The first save also stamps the run with <see cref="Owner"/> and a lease
    /// until its start plus <see cref="LeaseDuration"/>; later saves leave owner and lease alone.
    /// The inbox messages in <see cref="RunChanges.Consumed"/> are deleted in the same transaction (an id that is
    /// already gone is no error), so a failed save consumes nothing.
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
        var save = new PendingSave(changes);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(save), this);
        return save.AsValueTask();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Queued for the next group commit like a save, and completes once committed. Ids come from an AUTOINCREMENT
    /// key: increasing, and never reused after a message is consumed.
    /// <paramref name="cancellationToken"/> is honoured only before the message is queued.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<long> AddMessageAsync(string channel, JsonObject message, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();

        // Serialized here, on the caller's thread, like a save's JSON.
        var text = StoreEncoding.ToText(message);
        var at = StoreEncoding.ToTicks(receivedAt);
        return Enqueue(new PendingOperation<long>(writer => writer.AddMessage(channel, at, text)));
    }

    /// <inheritdoc />
    /// <remarks>Queued for the next group commit like a save, so it is ordered with the consumptions before it.</remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<int> DeleteMessagesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var distinct = ids.Distinct().ToArray();
        return Enqueue(new PendingOperation<int>(writer => writer.DeleteMessages(distinct)));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqliteRunReader.ListMessagesAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>Committed through the writer's queue, in order with the saves queued before it.</remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task RenewLeasesAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var untilColumn = StoreEncoding.ToTicks(until);
        return Enqueue(new PendingOperation<int>(writer => writer.RenewLeases(untilColumn)));
    }

    /// <inheritdoc />
    /// <remarks>
    /// One UPDATE in a write transaction, so two stores claiming at once never get the same run. A lease that is
    /// NULL (a run from a schema-version-1 file) counts as expired. The runs come oldest start first.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<RunRecord>> ClaimExpiredRunsAsync(DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var nowColumn = StoreEncoding.ToTicks(now);
        var untilColumn = StoreEncoding.ToTicks(until);
        return Enqueue(new PendingOperation<IReadOnlyList<RunRecord>>(writer => writer.ClaimExpired(nowColumn, untilColumn)));
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
        var batch = new List<IPendingWrite>(64);
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

    private Task<T> Enqueue<T>(PendingOperation<T> operation)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(operation), this);
        return operation.Task;
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
