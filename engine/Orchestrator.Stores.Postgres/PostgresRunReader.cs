using Npgsql;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Postgres;

/// <summary>The store's queries. They run on pooled connections, never the writer's, so reads never wait for a batch.</summary>
internal static class PostgresRunReader
{
    /// <summary>The columns <see cref="ReadRun"/> reads, in its order.</summary>
    public const string RunColumns = "id, workflow, version, status, started_at, ended_at, input, output, error";

    public static async Task<IReadOnlyList<RunRecord>> ListRunsAsync(NpgsqlDataSource dataSource, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT $1;");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });

        var runs = new List<RunRecord>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>The run whose id is <paramref name="idOrPrefix"/>, or else the one run whose id starts with it.</summary>
    /// <exception cref="InvalidOperationException">Several ids start with the prefix and none equals it.</exception>
    public static async Task<RunRecord?> FindRunAsync(NpgsqlDataSource dataSource, string idOrPrefix, CancellationToken cancellationToken)
    {
        // Ids sharing a prefix are adjacent in id order (the column's "C" collation is byte order) and the first of
        // them is the first id >= the prefix, so two rows from the primary key's index settle it: no scan, and no
        // LIKE (whose wildcards would need escaping).
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns} FROM runs WHERE id >= $1 ORDER BY id LIMIT 2;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idOrPrefix });

        RunRecord? first = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (!id.StartsWith(idOrPrefix, StringComparison.Ordinal))
            {
                break;
            }

            if (first is not null)
            {
                throw AmbiguousPrefix(idOrPrefix);
            }

            first = ReadRun(reader);
            if (first.Id.Length == idOrPrefix.Length)
            {
                // An exact id wins even when it is also the prefix of longer ids.
                break;
            }
        }

        return first;
    }

    public static async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(NpgsqlDataSource dataSource, string runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT seq, ts, kind, step_path, attempt, data FROM history WHERE run_id = $1 ORDER BY seq;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });

        var events = new List<HistoryEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(StoreEncoding.ToEvent(
                runId, reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), TextOrNull(reader, 3), reader.GetInt32(4), TextOrNull(reader, 5)));
        }

        return events;
    }

    public static async Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, channel, received_at, message, claimed_by FROM inbox ORDER BY id;");

        var messages = new List<InboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(StoreEncoding.ToMessage(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return messages;
    }

    /// <summary>The message every store uses, so the CLI can show it as is.</summary>
    public static InvalidOperationException AmbiguousPrefix(string prefix) =>
        new($"run id prefix '{prefix}' is ambiguous");

    /// <summary>A run from a row of <see cref="RunColumns"/>.</summary>
    public static RunRecord ReadRun(NpgsqlDataReader reader) => StoreEncoding.ToRun(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        TextOrNull(reader, 6),
        TextOrNull(reader, 7),
        TextOrNull(reader, 8));

    private static string? TextOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
