using Microsoft.Data.Sqlite;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Sqlite;

/// <summary>The store's queries. They run on reader connections, never the writer's, so reads never wait for a batch.</summary>
internal static class SqliteRunReader
{
    /// <summary>The columns <see cref="ReadRun"/> reads, in its order.</summary>
    public const string RunColumns = "id, workflow, version, status, started_at, ended_at, input, output, error";

    public static async Task<IReadOnlyList<RunRecord>> ListRunsAsync(SqliteConnection connection, int limit, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);

        var runs = new List<RunRecord>(Math.Min(limit, 1024));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>The run whose id is <paramref name="idOrPrefix"/>, or else the one run whose id starts with it.</summary>
    /// <exception cref="InvalidOperationException">Several ids start with the prefix and none equals it.</exception>
    public static async Task<RunRecord?> FindRunAsync(SqliteConnection connection, string idOrPrefix, CancellationToken cancellationToken)
    {
        // Ids sharing a prefix are adjacent in id order and the first of them is the first id >= the prefix,
        // so two rows from the primary key's index settle it: no scan, and no LIKE (whose wildcards and case
        // folding would need escaping).
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RunColumns} FROM runs WHERE id >= $prefix ORDER BY id LIMIT 2;";
        command.Parameters.AddWithValue("$prefix", idOrPrefix);

        RunRecord? first = null;
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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

    public static async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(SqliteConnection connection, string runId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, ts, kind, step_path, attempt, data FROM history WHERE run_id = $run_id ORDER BY seq;";
        command.Parameters.AddWithValue("$run_id", runId);

        var events = new List<HistoryEvent>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(StoreEncoding.ToEvent(
                runId, reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), TextOrNull(reader, 3), reader.GetInt32(4), TextOrNull(reader, 5)));
        }

        return events;
    }

    public static async Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, channel, received_at, message FROM inbox ORDER BY id;";

        var messages = new List<InboxMessage>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(StoreEncoding.ToMessage(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return messages;
    }

    /// <summary>The message every store uses, so the CLI can show it as is.</summary>
    public static InvalidOperationException AmbiguousPrefix(string prefix) =>
        new($"run id prefix '{prefix}' is ambiguous");

    /// <summary>A run from a row of <see cref="RunColumns"/>.</summary>
    public static RunRecord ReadRun(SqliteDataReader reader) => StoreEncoding.ToRun(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        TextOrNull(reader, 6),
        TextOrNull(reader, 7),
        TextOrNull(reader, 8));

    private static string? TextOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
