using System.Data;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Postgres;

/// <summary>
/// The writer's side of group commit: one connection, used by one loop at a time, writing a whole batch of saves in
/// one round trip and one transaction, and running the lease renewals and claims queued among them.
/// </summary>
/// <remarks>
/// A batch is three statements whatever its size: every run row in one <c>INSERT … SELECT FROM unnest(arrays)</c>
/// upsert, every history event in one insert, every consumed inbox id in one delete. They go as one
/// <see cref="NpgsqlBatch"/> without an explicit transaction, which PostgreSQL runs as one implicit transaction
/// (one Sync): all of it commits, or an error rolls all of it back. Npgsql auto-prepares the statements, so they are
/// parsed and planned once per connection.
/// </remarks>
internal sealed class PostgresBatchWriter : IAsyncDisposable
{
    // A run's workflow, version, start and input are fixed when it starts, so later saves only update what can
    // change. Owner and lease are written by the insert only: afterwards they belong to renewals and claims, which a
    // late save of the previous owner must not undo. One statement cannot update a row twice, so a batch never holds
    // two saves of one run (the store's loop starts a new batch instead).
    private const string UpsertRunsSql = """
        INSERT INTO runs (id, workflow, version, status, started_at, ended_at, input, output, error, owner, lease_until)
        SELECT r.id, r.workflow, r.version, r.status, r.started_at, r.ended_at, r.input::json, r.output::json, r.error::json, $11, r.lease_until
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::bigint[])
            AS r (id, workflow, version, status, started_at, ended_at, input, output, error, lease_until)
        ON CONFLICT (id) DO UPDATE SET
            status = excluded.status,
            ended_at = excluded.ended_at,
            output = excluded.output,
            error = excluded.error;
        """;

    private const string InsertEventsSql = """
        INSERT INTO history (run_id, seq, ts, kind, step_path, attempt, data)
        SELECT h.run_id, h.seq, h.ts, h.kind, h.step_path, h.attempt, h.data::json
        FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[])
            AS h (run_id, seq, ts, kind, step_path, attempt, data);
        """;

    // A message consumed twice (or never stored) deletes nothing: not an error.
    private const string DeleteMessagesSql = "DELETE FROM inbox WHERE id = ANY($1::bigint[]);";

    private static readonly string Running = StoreEncoding.ToName(RunStatus.Running);

    private static readonly string RenewLeasesSql = $"UPDATE runs SET lease_until = $1 WHERE status = '{Running}' AND owner = $2;";

    // SKIP LOCKED: a run another engine is claiming (or a save is updating) right now is left to it rather than waited
    // for, and the lease is checked again on the row locked, so two engines claiming at once never both get a run.
    private static readonly string ClaimExpiredSql = $"""
        UPDATE runs SET owner = $1, lease_until = $2
        WHERE id IN (
            SELECT id FROM runs WHERE status = '{Running}' AND lease_until < $3
            FOR UPDATE SKIP LOCKED)
        RETURNING {StoreRows.RunColumns};
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _owner;
    private readonly long _leaseTicks;
    private NpgsqlConnection? _connection;

    /// <param name="dataSource">Where to open the writer's connection (again, after one broke).</param>
    /// <param name="owner">Written on the runs this writer inserts, renews and claims.</param>
    /// <param name="leaseDuration">A new run's lease: from its start.</param>
    public PostgresBatchWriter(NpgsqlDataSource dataSource, string owner, TimeSpan leaseDuration)
    {
        _dataSource = dataSource;
        _owner = owner;
        _leaseTicks = leaseDuration.Ticks;
    }

    /// <summary>
    /// Commits the batch in one transaction and completes its saves; never throws. If PostgreSQL rejects it, each save
    /// is retried in a transaction of its own, so one bad save (say, a duplicate sequence) fails only its caller.
    /// </summary>
    public async Task WriteAsync(List<PendingSave> batch)
    {
        try
        {
            await ExecuteAsync(batch).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            DropBrokenConnection();
            if (batch.Count == 1 || IsOutcomeUnknown(error))
            {
                FailAll(batch, error);
                return;
            }

            await WriteEachAloneAsync(batch).ConfigureAwait(false);
            return;
        }

        foreach (var save in batch)
        {
            save.Complete();
        }
    }

    /// <summary>Extends this owner's running leases.</summary>
    /// <returns>How many runs it renewed.</returns>
    public async Task<int> RenewLeasesAsync(long until)
    {
        var connection = await ConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(RenewLeasesSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = until });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _owner });
        return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Takes over every running run whose lease ended before <paramref name="now"/>.</summary>
    /// <returns>The runs, oldest start first.</returns>
    public async Task<IReadOnlyList<RunRecord>> ClaimExpiredAsync(long now, long until)
    {
        var connection = await ConnectionAsync().ConfigureAwait(false);
        var runs = new List<RunRecord>();
        await using (var command = new NpgsqlCommand(ClaimExpiredSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _owner });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = until });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now });
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                runs.Add(StoreRows.ReadRun(reader));
            }
        }

        // RETURNING gives no order.
        runs.Sort(StoreRows.OldestFirst);
        return runs;
    }

    /// <summary>After any failed write: a connection that broke is dropped, and the next write opens a new one.</summary>
    public void DropBrokenConnection()
    {
        if (_connection is { } connection && connection.FullState != ConnectionState.Open)
        {
            _connection = null;
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A server error (a constraint, a deadlock) means the transaction rolled back. Anything else from Npgsql (the
    // connection dropped, a timeout) may have come after the commit: retrying could write a save twice, so its callers
    // are told it failed, and a run that must know replays from what the store has.
    private static bool IsOutcomeUnknown(Exception error) => error is NpgsqlException and not PostgresException;

    private static void FailAll(List<PendingSave> batch, Exception error)
    {
        foreach (var save in batch)
        {
            save.Fail(error);
        }
    }

    private async Task WriteEachAloneAsync(List<PendingSave> batch)
    {
        var one = new List<PendingSave>(1) { batch[0] };
        for (var i = 0; i < batch.Count; i++)
        {
            var save = batch[i];
            one[0] = save;
            try
            {
                await ExecuteAsync(one).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                DropBrokenConnection();
                save.Fail(error);
                if (IsOutcomeUnknown(error))
                {
                    // The database is gone: the others would only wait for the same error one by one.
                    FailAll(batch[(i + 1)..], error);
                    return;
                }

                continue;
            }

            save.Complete();
        }
    }

    private async Task ExecuteAsync(List<PendingSave> saves)
    {
        var connection = await ConnectionAsync().ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);

        // Rows in id order: two engines writing the same runs (a late save after a takeover) lock them in one order.
        // (Completion order does not matter: the batch commits as a whole.)
        if (saves.Count > 1)
        {
            saves.Sort(static (a, b) => string.CompareOrdinal(a.Run.Id, b.Run.Id));
        }

        var events = 0;
        var consumed = 0;
        foreach (var save in saves)
        {
            events += save.Events.Count;
            consumed += save.Consumed.Length;
        }

        batch.BatchCommands.Add(UpsertRuns(saves));
        if (events > 0)
        {
            batch.BatchCommands.Add(InsertEvents(saves, events));
        }

        if (consumed > 0)
        {
            batch.BatchCommands.Add(DeleteMessages(saves, consumed));
        }

        // Not cancellable: once sent, a batch's outcome must be known.
        await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private NpgsqlBatchCommand UpsertRuns(List<PendingSave> saves)
    {
        var count = saves.Count;
        var ids = new string[count];
        var workflows = new string[count];
        var versions = new string[count];
        var statuses = new string[count];
        var started = new long[count];
        var ended = new long?[count];
        var inputs = new string?[count];
        var outputs = new string?[count];
        var errors = new string?[count];
        var leases = new long[count];
        for (var i = 0; i < count; i++)
        {
            var save = saves[i];
            var run = save.Run;
            ids[i] = run.Id;
            workflows[i] = run.Workflow;
            versions[i] = run.Version;
            statuses[i] = StoreEncoding.ToName(run.Status);
            started[i] = StoreEncoding.ToTicks(run.StartedAt);
            ended[i] = run.EndedAt is { } end ? StoreEncoding.ToTicks(end) : null;
            inputs[i] = save.Input;
            outputs[i] = save.Output;
            errors[i] = save.Error;
            leases[i] = started[i] + _leaseTicks;
        }

        var command = new NpgsqlBatchCommand(UpsertRunsSql);
        command.Parameters.Add(ArrayOf(ids, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(workflows, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(versions, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(statuses, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(started, NpgsqlDbType.Bigint));
        command.Parameters.Add(ArrayOf(ended, NpgsqlDbType.Bigint));
        command.Parameters.Add(ArrayOf(inputs, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(outputs, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(errors, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(leases, NpgsqlDbType.Bigint));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _owner });
        return command;
    }

    // count: how many events the saves hold (at least one).
    private static NpgsqlBatchCommand InsertEvents(List<PendingSave> saves, int count)
    {
        var runIds = new string[count];
        var sequences = new long[count];
        var timestamps = new long[count];
        var kinds = new string[count];
        var paths = new string?[count];
        var attempts = new int[count];
        var data = new string?[count];
        var row = 0;
        foreach (var save in saves)
        {
            var events = save.Events;
            for (var i = 0; i < events.Count; i++, row++)
            {
                var e = events[i];
                runIds[row] = e.RunId;
                sequences[row] = e.Sequence;
                timestamps[row] = StoreEncoding.ToTicks(e.Timestamp);
                kinds[row] = StoreEncoding.ToName(e.Kind);
                paths[row] = e.StepPath;
                attempts[row] = e.Attempt;
                data[row] = save.EventData[i];
            }
        }

        var command = new NpgsqlBatchCommand(InsertEventsSql);
        command.Parameters.Add(ArrayOf(runIds, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(sequences, NpgsqlDbType.Bigint));
        command.Parameters.Add(ArrayOf(timestamps, NpgsqlDbType.Bigint));
        command.Parameters.Add(ArrayOf(kinds, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(paths, NpgsqlDbType.Text));
        command.Parameters.Add(ArrayOf(attempts, NpgsqlDbType.Integer));
        command.Parameters.Add(ArrayOf(data, NpgsqlDbType.Text));
        return command;
    }

    // count: how many inbox ids the saves consumed (at least one).
    private static NpgsqlBatchCommand DeleteMessages(List<PendingSave> saves, int count)
    {
        var ids = new long[count];
        var at = 0;
        foreach (var save in saves)
        {
            save.Consumed.CopyTo(ids, at);
            at += save.Consumed.Length;
        }

        var command = new NpgsqlBatchCommand(DeleteMessagesSql);
        command.Parameters.Add(ArrayOf(ids, NpgsqlDbType.Bigint));
        return command;
    }

    private static NpgsqlParameter ArrayOf<T>(T[] values, NpgsqlDbType elementType) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values };

    private async ValueTask<NpgsqlConnection> ConnectionAsync() =>
        _connection ??= await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
}
