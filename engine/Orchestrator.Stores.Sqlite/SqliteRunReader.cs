using Microsoft.Data.Sqlite;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Sqlite;

/// <summary>The store's queries. They run on reader connections, never the writer's, so reads never wait for a batch.</summary>
internal static class SqliteRunReader
{
    public static async Task<IReadOnlyList<RunRecord>> ListRunsAsync(SqliteConnection connection, int limit, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StoreRows.RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.ReadRunsAsync(reader, Math.Min(limit, 1024), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run whose id is <paramref name="idOrPrefix"/>, or else the one run whose id starts with it.</summary>
    /// <exception cref="InvalidOperationException">Several ids start with the prefix and none equals it.</exception>
    public static async Task<RunRecord?> FindRunAsync(SqliteConnection connection, string idOrPrefix, CancellationToken cancellationToken)
    {
        // Two rows from the primary key's index settle it: no scan, and no LIKE (whose wildcards and case folding
        // would need escaping).
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StoreRows.RunColumns} FROM runs WHERE id >= $prefix ORDER BY id LIMIT 2;";
        command.Parameters.AddWithValue("$prefix", idOrPrefix);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.FindByPrefixAsync(reader, idOrPrefix, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(SqliteConnection connection, string runId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StoreRows.HistoryColumns} FROM history WHERE run_id = $run_id ORDER BY seq;";
        command.Parameters.AddWithValue("$run_id", runId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.ReadHistoryAsync(reader, runId, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StoreRows.MessageColumns} FROM inbox ORDER BY id;";
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.ReadMessagesAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
