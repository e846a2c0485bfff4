using Microsoft.Data.Sqlite;

namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// Moves committed pages from the WAL into the database file on its own connection and thread, so the writer
/// never waits for the checkpoint's disk flushes.
/// </summary>
/// <remarks>
/// Left to SQLite, every commit that finds the WAL past its threshold checkpoints inline: that commit, and every
/// save in its batch, then pays two fsyncs (milliseconds), which dominated the mean cost of a save. Here the writer
/// only signals, and a PASSIVE checkpoint runs beside it (WAL allows one writer and one checkpointer at once).
/// The writer keeps a higher threshold of its own as a safety net, since a checkpoint that runs beside constant
/// writes may never fully catch up, and only a caught-up WAL can be rewound to its start.
/// </remarks>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>Rows committed between two background checkpoints; roughly a few MB of WAL.</summary>
    public const int RowsBetweenCheckpoints = 2_000;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _rows;

    public SqliteCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        SqliteSchema.Configure(_connection);
        _checkpoint = _connection.CreateCommand();
        _checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called by the writer after each commit; cheap, never blocks.</summary>
    public void Committed(int rows)
    {
        _rows += rows;
        if (_rows >= RowsBetweenCheckpoints)
        {
            _rows = 0;
            if (_signal.CurrentCount == 0)
            {
                try
                {
                    _signal.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already signalled: one pending checkpoint covers everything committed so far.
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _checkpoint.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
        _signal.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                _checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // A checkpoint is an optimisation: when one fails (busy, I/O), the next signal or the writer's own
                // threshold tries again, and no save depends on it.
            }
        }
    }
}
