using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Stores.Sqlite;

/// <summary>The database layout and the per-connection settings the store relies on.</summary>
internal static class SqliteSchema
{
    /// <summary>Bumped when the layout changes, so an older build refuses a newer file instead of corrupting it.</summary>
    public const int Version = 1;

    // Timestamps are INTEGER counts of 100 ns since 1970-01-01 UTC: DateTimeOffset's own resolution, so values
    // round-trip exactly, they sort numerically, and sqlite3 still reads them: datetime(ts / 10000000, 'unixepoch').
    // Status and kind are stored by name, not by number, so reordering an enum never rewrites history.
    // JSON columns hold compact JSON text. STRICT makes SQLite reject a value of the wrong type.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS runs (
            id          TEXT    NOT NULL PRIMARY KEY,
            workflow    TEXT    NOT NULL,
            version     TEXT    NOT NULL,
            status      TEXT    NOT NULL,
            started_at  INTEGER NOT NULL,
            ended_at    INTEGER,
            input       TEXT,
            output      TEXT,
            error       TEXT
        ) STRICT;

        CREATE INDEX IF NOT EXISTS runs_newest_first ON runs (started_at DESC, id DESC);

        CREATE TABLE IF NOT EXISTS history (
            run_id     TEXT    NOT NULL,
            seq        INTEGER NOT NULL,
            ts         INTEGER NOT NULL,
            kind       TEXT    NOT NULL,
            step_path  TEXT,
            attempt    INTEGER NOT NULL,
            data       TEXT,
            PRIMARY KEY (run_id, seq)
        ) STRICT;
        """;

    /// <summary>Settings that hold per connection, so every connection the store opens applies them.</summary>
    /// <remarks>
    /// busy_timeout lets SQLite wait out another process's write lock with short sleeps, rather than
    /// Microsoft.Data.Sqlite's coarse retry loop.
    /// </remarks>
    public static void Configure(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA busy_timeout = 5000;");
    }

    /// <summary>Puts the file in WAL mode and creates or checks the tables. Run once, on the writer's connection.</summary>
    /// <remarks>
    /// WAL lets readers run beside the writer; synchronous=NORMAL skips the fsync on every commit (a commit survives
    /// a crash of this process, and only an OS crash or power loss can take back the last commits): group commit
    /// then costs no disk flush per batch.
    /// </remarks>
    public static void Initialize(SqliteConnection connection)
    {
        Configure(connection);
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, "PRAGMA synchronous = NORMAL;");
        Execute(connection, "PRAGMA temp_store = MEMORY;");

        // Room for a large batch's dirty pages (the cache only grows as needed): below that, a group commit of a few
        // thousand saves spills pages mid-transaction and measured about a third slower.
        Execute(connection, "PRAGMA cache_size = -32768;");

        // SqliteCheckpointer checkpoints in the background every few MB; this inline one is only the safety net.
        Execute(connection, "PRAGMA wal_autocheckpoint = 16000;");

        var found = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (found > Version)
        {
            throw new InvalidOperationException(
                $"The run database '{connection.DataSource}' has schema version {found}; this build knows up to {Version}.");
        }

        using var transaction = connection.BeginTransaction();
        Execute(connection, CreateTables, transaction);
        Execute(connection, $"PRAGMA user_version = {Version};", transaction);
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
