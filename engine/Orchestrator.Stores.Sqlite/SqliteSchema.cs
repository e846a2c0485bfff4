using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Stores.Sqlite;

/// <summary>The database layout and the per-connection settings the store relies on.</summary>
internal static class SqliteSchema
{
    /// <summary>Bumped when the layout changes, so an older build refuses a newer file instead of corrupting it.</summary>
    /// <remarks>
    /// 1: runs and history. 2: the runs' <c>owner</c> and <c>lease_until</c> (which engine drives a run, and until
    /// when), and the <c>inbox</c> of messages waiting for <c>listen</c> steps. An older file is migrated in place.
    /// </remarks>
    public const int Version = 2;

    // Timestamps are INTEGER counts of 100 ns since 1970-01-01 UTC: DateTimeOffset's own resolution, so values
    // round-trip exactly, they sort numerically, and sqlite3 still reads them: datetime(ts / 10000000, 'unixepoch').
    // Status and kind are stored by name, not by number, so reordering an enum never rewrites history.
    // JSON columns hold compact JSON text. STRICT makes SQLite reject a value of the wrong type.
    // A run's lease_until is NULL only in a file migrated from version 1: such a lease counts as expired.
    // The inbox's AUTOINCREMENT keeps ids increasing even after the newest message is consumed (deleted).
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
            error       TEXT,
            owner       TEXT,
            lease_until INTEGER
        ) STRICT;

        CREATE INDEX IF NOT EXISTS runs_newest_first ON runs (started_at DESC, id DESC);

        CREATE INDEX IF NOT EXISTS runs_leases ON runs (status, lease_until);

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

        CREATE TABLE IF NOT EXISTS inbox (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            channel      TEXT    NOT NULL,
            received_at  INTEGER NOT NULL,
            message      TEXT    NOT NULL
        ) STRICT;
        """;

    // Version 1 -> 2, before CreateTables adds what is new as a whole (the lease index, the inbox). Runs that were
    // running keep a NULL lease_until: expired, so the first engine that claims takes them over.
    private const string MigrateFrom1 = """
        ALTER TABLE runs ADD COLUMN owner TEXT;
        ALTER TABLE runs ADD COLUMN lease_until INTEGER;
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

    /// <summary>
    /// Puts the file in WAL mode and creates, migrates or checks the tables. Run once, on the writer's connection.
    /// </summary>
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

        // Not deferred, so BEGIN IMMEDIATE: holding the write lock before reading the version means two
        // processes opening an old file at once migrate it once, the second finding it done.
        using var transaction = connection.BeginTransaction(deferred: false);
        var found = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;", transaction), CultureInfo.InvariantCulture);
        if (found > Version)
        {
            throw new InvalidOperationException(
                $"The run database '{connection.DataSource}' has schema version {found}; this build knows up to {Version}.");
        }

        if (found == 1)
        {
            Execute(connection, MigrateFrom1, transaction);
        }

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

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }
}
