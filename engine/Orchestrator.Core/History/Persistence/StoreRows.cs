using System.Data.Common;
using Orchestrator.Core.Events;

namespace Orchestrator.Core.History.Persistence;

/// <summary>
/// Reading the store's rows, whatever the database: the SQLite and PostgreSQL stores run their own queries with the
/// columns named here and hand the reader over, so both turn rows into records the same way.
/// </summary>
public static class StoreRows
{
    /// <summary>The columns <see cref="ReadRun"/> reads, in its order.</summary>
    public const string RunColumns = "id, workflow, version, status, started_at, ended_at, input, output, error";

    /// <summary>The columns <see cref="ReadHistoryAsync"/> reads, in its order.</summary>
    public const string HistoryColumns = "seq, ts, kind, step_path, attempt, data";

    /// <summary>The columns <see cref="ReadMessagesAsync"/> reads, in its order; a fifth, <c>claimed_by</c>, is optional.</summary>
    public const string MessageColumns = "id, channel, received_at, message";

    /// <summary>Runs in the order <c>RETURNING</c> does not give: oldest start first, then by id.</summary>
    public static readonly Comparison<RunRecord> OldestFirst = static (a, b) =>
    {
        var byStart = a.StartedAt.CompareTo(b.StartedAt);
        return byStart != 0 ? byStart : string.CompareOrdinal(a.Id, b.Id);
    };

    /// <summary>The message every store uses for an ambiguous prefix, so the CLI can show it as is.</summary>
    public static InvalidOperationException AmbiguousPrefix(string prefix) =>
        new($"run id prefix '{prefix}' is ambiguous");

    /// <summary>A run from a row of <see cref="RunColumns"/>.</summary>
    public static RunRecord ReadRun(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return StoreEncoding.ToRun(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5),
            TextOrNull(reader, 6),
            TextOrNull(reader, 7),
            TextOrNull(reader, 8));
    }

    /// <summary>Every run of a query of <see cref="RunColumns"/>.</summary>
    public static async Task<List<RunRecord>> ReadRunsAsync(DbDataReader reader, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var runs = new List<RunRecord>(capacity);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>
    /// The run whose id is <paramref name="idOrPrefix"/>, or else the one run whose id starts with it, from the
    /// first two rows of <see cref="RunColumns"/> with <c>id &gt;= prefix</c> in id order: ids sharing a prefix are
    /// adjacent, and the first of them is the first id at or after the prefix.
    /// </summary>
    /// <exception cref="InvalidOperationException">Several ids start with the prefix and none equals it.</exception>
    public static async Task<RunRecord?> FindByPrefixAsync(DbDataReader reader, string idOrPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RunRecord? first = null;
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

    /// <summary>A run's events from a query of <see cref="HistoryColumns"/> ordered by <c>seq</c>.</summary>
    public static async Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(DbDataReader reader, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<HistoryEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(StoreEncoding.ToEvent(
                runId, reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), TextOrNull(reader, 3), reader.GetInt32(4), TextOrNull(reader, 5)));
        }

        return events;
    }

    /// <summary>Inbox messages from a query of <see cref="MessageColumns"/> (and, for a shared inbox, <c>claimed_by</c>).</summary>
    public static async Task<IReadOnlyList<InboxMessage>> ReadMessagesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var claims = reader.FieldCount > 4;
        var messages = new List<InboxMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(StoreEncoding.ToMessage(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), claims ? TextOrNull(reader, 4) : null));
        }

        return messages;
    }

    private static string? TextOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
