using Npgsql;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Postgres;

/// <summary>The store's queries. They run on pooled connections, never the writer's, so reads never wait for a batch.</summary>
internal static class PostgresRunReader
{
    public static async Task<IReadOnlyList<RunRecord>> ListRunsAsync(NpgsqlDataSource dataSource, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoreRows.RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT $1;");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.ReadRunsAsync(reader, Math.Min(limit, 1024), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run whose id is <paramref name="idOrPrefix"/>, or else the one run whose id starts with it.</summary>
    /// <exception cref="InvalidOperationException">Several ids start with the prefix and none equals it.</exception>
    public static async Task<RunRecord?> FindRunAsync(NpgsqlDataSource dataSource, string idOrPrefix, CancellationToken cancellationToken)
    {
        // Two rows from the primary key's index settle it (the column's "C" collation is byte order): no scan, and no
        // LIKE (whose wildcards would need escaping).
        await using var command = dataSource.CreateCommand($"SELECT {StoreRows.RunColumns} FROM runs WHERE id >= $1 ORDER BY id LIMIT 2;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idOrPrefix });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.FindByPrefixAsync(reader, idOrPrefix, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(NpgsqlDataSource dataSource, string runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoreRows.HistoryColumns} FROM history WHERE run_id = $1 ORDER BY seq;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.ReadHistoryAsync(reader, runId, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoreRows.MessageColumns}, claimed_by FROM inbox ORDER BY id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreRows.ReadMessagesAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
