using System.Text.Json.Nodes;
using System.Threading.Channels;
using Npgsql;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Postgres;

/// <summary>
/// Keeps runs, their history and the inbox of messages waiting for <c>listen</c> steps in a PostgreSQL database,
/// which engines on several machines can share: the same semantics as the SQLite store, over the network.
/// </summary>
/// <remarks>
/// <para>
/// Writes use group commit: <see cref="SaveAsync"/> queues its changes and one writer loop sends everything queued
/// so far as one batch (one round trip, one transaction), then completes all those saves. A lone save costs one
/// small transaction; thousands of concurrent runs share each commit instead of queueing for one apiece.
/// </para>
/// <para>
/// Durability is the server's: with its default <c>synchronous_commit=on</c> a completed save is flushed to the
/// server's WAL. Reads use pooled connections of their own and see every save that has completed.
/// </para>
/// <para>
/// Lease renewals and claims go through the same queue and writer as saves, so they commit in order with them
/// (releasing leases after the last saves, say). Inbox messages are inserted directly, each in its own
/// transaction. A save deletes the inbox messages it consumed in its own transaction.
/// </para>
/// <para>
/// Several stores (engines) may share a database: the leases (<see cref="IRunLeases"/>) say which one drives each
/// running run, and claims lock the rows they take (<c>FOR UPDATE SKIP LOCKED</c>) so that each expired run goes
/// to one engine.
/// </para>
/// </remarks>
public sealed class PostgresRunStore : IRunStore, ISharedEventInbox, IRunLeases, IAsyncDisposable
{

    // Bounds on one transaction, so a burst never builds one unbounded transaction; the rest follow at once.
    private const int MaxBatch = 4096;
    private const long MaxBatchChars = 32 * 1024 * 1024;

    private const string InsertMessageSql = "INSERT INTO inbox (channel, received_at, message) VALUES ($1, $2, $3::json) RETURNING id;";

    // One statement: the row lock makes two engines' claims of one message take turns, and the second sees the first's.
    private const string DeleteUnclaimedMessagesSql = "DELETE FROM inbox WHERE id = ANY($1) AND claimed_by IS NULL;";
    private const string ClaimMessageSql = "UPDATE inbox SET claimed_by = $2 WHERE id = $1 AND (claimed_by IS NULL OR claimed_by = $2);";

    private readonly Channel<IPendingWrite> _queue = Channel.CreateUnbounded<IPendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresBatchWriter _writer;
    private readonly Task _writerLoop;
    private int _disposed;

    private PostgresRunStore(NpgsqlDataSource dataSource, TimeSpan leaseDuration, string owner)
    {
        _dataSource = dataSource;
        LeaseDuration = leaseDuration;
        Owner = owner;
        _writer = new PostgresBatchWriter(dataSource, owner, leaseDuration);
        _writerLoop = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    public string Owner { get; }

    /// <inheritdoc />
    public TimeSpan LeaseDuration { get; }

    /// <summary>
    /// Connects to the database, creating the store's tables when it has none (a database written by a newer schema
    /// version is refused).
    /// </summary>
    /// <param name="connectionString">A URL <c>postgresql://user:pass@host:port/database</c> (or <c>postgres://</c>),
    /// or an Npgsql connection string <c>Host=…;Username=…;Password=…;Database=…</c>.</param>
    /// <param name="leaseDuration">How long a lease lasts (<see cref="LeaseDuration"/>); default
    /// <see cref="RunLeases.DefaultDuration"/>.</param>
    /// <param name="owner">This store's <see cref="Owner"/>; default a new random id.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseDuration"/> is not positive.</exception>
    /// <exception cref="FormatException">The connection string cannot be read.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached, or refuses the login or the tables.</exception>
    /// <exception cref="InvalidOperationException">The database was written by a newer schema version.</exception>
    public static async Task<PostgresRunStore> OpenAsync(
        string connectionString,
        TimeSpan? leaseDuration = null,
        string? owner = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var lease = leaseDuration ?? RunLeases.DefaultDuration;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero, nameof(leaseDuration));
        if (owner is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        }

        var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.Parse(connectionString));
        var settings = builder.ConnectionStringBuilder;
        settings.ApplicationName ??= "orchestrator";
        if (settings.MaxAutoPrepare == 0)
        {
            // The store's dozen statements are parsed and planned once per connection, not per execution.
            settings.MaxAutoPrepare = 32;
        }

        var dataSource = builder.Build();
        try
        {
            await PostgresSchema.InitializeAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new PostgresRunStore(dataSource, lease, owner ?? Guid.NewGuid().ToString("N"));
    }

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
    /// If the connection drops while a batch is in flight, its saves fail: the commit may or may not have happened.
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
    /// One INSERT in its own transaction; completes once committed. Ids come from a bigserial: increasing, and never
    /// reused after a message is consumed. <paramref name="cancellationToken"/> is honoured only before the insert is
    /// sent, so a message is never stored by a call that reported "cancelled".
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<long> AddMessageAsync(string channel, JsonObject message, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();

        await using var command = _dataSource.CreateCommand(InsertMessageSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = channel });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = StoreEncoding.ToTicks(receivedAt) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StoreEncoding.ToText(message) });
        return (long)(await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    /// <remarks>Autocommit, straight to the database (not through the writer's queue): a claim is awaited by a run
    /// that has its message in hand, and must not wait behind a batch of saves.</remarks>
    public async Task<bool> ClaimMessageAsync(long messageId, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ThrowIfDisposed();
        await using var command = _dataSource.CreateCommand(ClaimMessageSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    /// <remarks>A message some run has claimed (and will consume in its next commit) is left alone.</remarks>
    public async Task<int> DeleteMessagesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ThrowIfDisposed();
        await using var command = _dataSource.CreateCommand(DeleteUnclaimedMessagesSql);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids.Distinct()] });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return PostgresRunReader.ListMessagesAsync(_dataSource, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Committed through the writer's queue, in order with the saves queued before it.</remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task RenewLeasesAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var untilColumn = StoreEncoding.ToTicks(until);
        return Enqueue(new PendingOperation<int>(writer => writer.RenewLeasesAsync(untilColumn)));
    }

    /// <inheritdoc />
    /// <remarks>
    /// One UPDATE through the writer's queue; it locks the rows it takes and skips rows another engine holds locked,
    /// so two stores claiming at once never get the same run. The runs come oldest start first.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<RunRecord>> ClaimExpiredRunsAsync(DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var nowColumn = StoreEncoding.ToTicks(now);
        var untilColumn = StoreEncoding.ToTicks(until);
        return Enqueue(new PendingOperation<IReadOnlyList<RunRecord>>(writer => writer.ClaimExpiredAsync(nowColumn, untilColumn)));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ThrowIfDisposed();
        return PostgresRunReader.ListRunsAsync(_dataSource, limit, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Several run ids start with <paramref name="runId"/> and none equals it.</exception>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ThrowIfDisposed();
        return PostgresRunReader.FindRunAsync(_dataSource, runId, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks><paramref name="runId"/> is the full id (resolve a prefix with <see cref="GetRunAsync"/> first).</remarks>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ThrowIfDisposed();
        return PostgresRunReader.GetHistoryAsync(_dataSource, runId, cancellationToken);
    }

    /// <summary>Writes every save already queued, then closes the connections. Later calls throw.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var saves = new List<PendingSave>(64);
        var runs = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long chars = 0;
            while (saves.Count < MaxBatch && chars < MaxBatchChars && reader.TryPeek(out var next))
            {
                if (next is PendingSave save)
                {
                    // One statement cannot upsert a row twice: a run's second save waits for the next transaction.
                    if (!runs.Add(save.Run.Id))
                    {
                        break;
                    }

                    reader.TryRead(out _);
                    saves.Add(save);
                    chars += save.Size;
                }
                else if (saves.Count == 0)
                {
                    // A renewal or claim runs alone, after the saves queued before it have committed.
                    reader.TryRead(out _);
                    await ((PendingOperation)next).RunAsync(_writer).ConfigureAwait(false);
                }
                else
                {
                    break;
                }
            }

            if (saves.Count > 0)
            {
                // Completes or fails every save and never throws, so the loop outlives a failed write.
                await _writer.WriteAsync(saves).ConfigureAwait(false);
                saves.Clear();
                runs.Clear();
            }
        }
    }

    private Task<T> Enqueue<T>(PendingOperation<T> operation)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(operation), this);
        return operation.Task;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
