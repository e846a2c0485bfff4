using System.Globalization;
using Npgsql;

namespace Orchestrator.Stores.Postgres;

/// <summary>The tables the store keeps, created when a store opens a database that lacks them.</summary>
internal static class PostgresSchema
{
    /// <summary>Bumped when the layout changes, so an older build refuses a newer database instead of corrupting it.</summary>
    /// <remarks>1: runs (with owner and lease), history and inbox: what SQLite's version 2 holds.
    /// 2: inbox.claimed_by, the run that took a message (engines share the inbox).</remarks>
    public const int Version = 2;

    /// <summary>Held while creating the tables, so engines opening a new database at once create them once.</summary>
    private const long CreateLock = 0x6F72_6368_7374_6F72; // "orchstor"

    // Tables live in the connection's search_path (public unless the connection string says otherwise).
    // Timestamps are bigint counts of 100 ns since 1970-01-01 UTC, as in SQLite: DateTimeOffset's own resolution
    // (timestamptz keeps microseconds), so values round-trip exactly and compare as numbers; to read one in psql:
    // to_timestamp(ts / 1e7).
    // Ids use the "C" collation: byte order, like SQLite's, so "newest first" breaks ties the same way and the
    // prefix lookup (id >= prefix ORDER BY id) finds ids sharing a prefix next to each other under any database locale.
    // JSON columns are json, not jsonb: json keeps the exact text the engine wrote (key order, number spelling)
    // and accepts every string JSON can hold (jsonb rejects \u0000), while still checking it is JSON and allowing
    // ->, ->> and ::jsonb in ad-hoc queries. The store never queries inside it, so jsonb's indexing buys nothing.
    // Status and kind are stored by name, so reordering an enum never rewrites history.
    // The lease indexes cover only running runs: the ones renewals and claims look at.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS orchestrator_schema (
            version integer NOT NULL
        );

        CREATE TABLE IF NOT EXISTS runs (
            id          text COLLATE "C" NOT NULL PRIMARY KEY,
            workflow    text   NOT NULL,
            version     text   NOT NULL,
            status      text   NOT NULL,
            started_at  bigint NOT NULL,
            ended_at    bigint,
            input       json,
            output      json,
            error       json,
            owner       text   NOT NULL,
            lease_until bigint NOT NULL
        );

        CREATE INDEX IF NOT EXISTS runs_newest_first ON runs (started_at DESC, id DESC);

        CREATE INDEX IF NOT EXISTS runs_lease_expiry ON runs (lease_until) WHERE status = 'running';

        CREATE INDEX IF NOT EXISTS runs_lease_owner ON runs (owner) WHERE status = 'running';

        CREATE TABLE IF NOT EXISTS history (
            run_id     text COLLATE "C" NOT NULL,
            seq        bigint  NOT NULL,
            ts         bigint  NOT NULL,
            kind       text    NOT NULL,
            step_path  text,
            attempt    integer NOT NULL,
            data       json,
            PRIMARY KEY (run_id, seq)
        );

        CREATE TABLE IF NOT EXISTS inbox (
            id           bigserial PRIMARY KEY,
            channel      text   NOT NULL,
            received_at  bigint NOT NULL,
            message      json   NOT NULL,
            claimed_by   text
        );
        """;

    /// <summary>Creates the tables, or checks the version of those there.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer schema version.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached, or the tables cannot be created.</exception>
    public static async Task InitializeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The usual case, an existing database, needs only a read: no lock, and no CREATE privilege
            // (which CREATE TABLE IF NOT EXISTS checks even when the table exists).
            if (await ReadVersionAsync(connection, transaction: null, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                Check(existing, connection);
                if (existing < Version)
                {
                    await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({CreateLock});", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, CreateTables, cancellationToken).ConfigureAwait(false);
                if (await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) is { } created)
                {
                    // Another engine created them while this one waited for the lock.
                    Check(created, connection);
                }
                else
                {
                    await ExecuteAsync(connection, transaction, $"INSERT INTO orchestrator_schema (version) VALUES ({Version.ToString(CultureInfo.InvariantCulture)});", cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Brings a version-1 database to this version, once, whichever engine gets the lock first.</summary>
    private static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({CreateLock});", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "ALTER TABLE inbox ADD COLUMN IF NOT EXISTS claimed_by text;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"UPDATE orchestrator_schema SET version = {Version.ToString(CultureInfo.InvariantCulture)} WHERE version < {Version.ToString(CultureInfo.InvariantCulture)};", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Check(int found, NpgsqlConnection connection)
    {
        if (found > Version)
        {
            throw new InvalidOperationException(
                $"The run database '{connection.Database}' on {connection.Host} has schema version {found}; this build knows up to {Version}.");
        }
    }

    /// <returns>The version, or null when the version table does not exist or is empty.</returns>
    private static async Task<int?> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        // to_regclass answers null for a missing table instead of failing (a failure would abort a transaction).
        await using var command = new NpgsqlCommand(
            "SELECT CASE WHEN to_regclass('orchestrator_schema') IS NULL THEN NULL ELSE 1 END;", connection, transaction);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not int)
        {
            return null;
        }

        command.CommandText = "SELECT max(version) FROM orchestrator_schema;";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
