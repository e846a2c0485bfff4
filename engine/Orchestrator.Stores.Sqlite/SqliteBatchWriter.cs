using Microsoft.Data.Sqlite;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// The writer's side of group commit: one connection and its prepared statements, used by one thread at a time,
/// writing a whole batch of saves (and the rarer inbox and lease writes queued among them) in one transaction.
/// </summary>
/// <remarks>
/// Statements are prepared once and only their parameters are rebound per row, so no SQL is parsed on the hot path.
/// Transactions are plain BEGIN/COMMIT statements (prepared too) rather than <see cref="SqliteTransaction"/>
/// objects, which would allocate per batch and require re-assigning every command's Transaction.
/// </remarks>
internal sealed class SqliteBatchWriter : IDisposable
{
    // A run's workflow, version, start and input are fixed when it starts, so later saves only update what can
    // change; leaving started_at alone also spares the newest-first index a delete and insert on every save
    // (measured ~10% off a lone save). Owner and lease are written by the insert only: afterwards they belong to
    // renewals and claims, which a late save of the previous owner must not undo.
    private const string UpsertRunSql = """
        INSERT INTO runs (id, workflow, version, status, started_at, ended_at, input, output, error, owner, lease_until)
        VALUES ($id, $workflow, $version, $status, $started_at, $ended_at, $input, $output, $error, $owner, $lease_until)
        ON CONFLICT (id) DO UPDATE SET
            status = excluded.status,
            ended_at = excluded.ended_at,
            output = excluded.output,
            error = excluded.error;
        """;

    private const string InsertEventSql = """
        INSERT INTO history (run_id, seq, ts, kind, step_path, attempt, data)
        VALUES ($run_id, $seq, $ts, $kind, $step_path, $attempt, $data);
        """;

    // A message consumed twice (or never stored) deletes nothing: not an error.
    private const string DeleteMessageSql = "DELETE FROM inbox WHERE id = $id;";

    private const string InsertMessageSql = """
        INSERT INTO inbox (channel, received_at, message) VALUES ($channel, $received_at, $message) RETURNING id;
        """;

    private static readonly string Running = StoreEncoding.ToName(RunStatus.Running);

    private static readonly string RenewLeasesSql = $"""
        UPDATE runs SET lease_until = $until WHERE status = '{Running}' AND owner = $owner;
        """;

    // One statement, in the writer's IMMEDIATE transaction: two engines claiming at once never both get a run.
    // Looks only at running runs, through the (status, lease_until) index. A NULL lease (a file migrated from
    // version 1) counts as expired.
    private static readonly string ClaimExpiredSql = $"""
        UPDATE runs SET owner = $owner, lease_until = $until
        WHERE status = '{Running}' AND (lease_until IS NULL OR lease_until < $now)
        RETURNING {StoreRows.RunColumns};
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _upsertRun;
    private readonly SqliteCommand _insertEvent;
    private readonly SqliteCommand _deleteMessage;
    private readonly SqliteCommand _insertMessage;
    private readonly SqliteCommand _renewLeases;
    private readonly SqliteCommand _claimExpired;

    private readonly SqliteParameter _runId;
    private readonly SqliteParameter _runWorkflow;
    private readonly SqliteParameter _runVersion;
    private readonly SqliteParameter _runStatus;
    private readonly SqliteParameter _runStartedAt;
    private readonly SqliteParameter _runEndedAt;
    private readonly SqliteParameter _runInput;
    private readonly SqliteParameter _runOutput;
    private readonly SqliteParameter _runError;
    private readonly SqliteParameter _runLeaseUntil;

    private readonly SqliteParameter _eventRunId;
    private readonly SqliteParameter _eventSeq;
    private readonly SqliteParameter _eventTs;
    private readonly SqliteParameter _eventKind;
    private readonly SqliteParameter _eventStepPath;
    private readonly SqliteParameter _eventAttempt;
    private readonly SqliteParameter _eventData;

    private readonly SqliteParameter _deleteMessageId;
    private readonly SqliteParameter _messageChannel;
    private readonly SqliteParameter _messageReceivedAt;
    private readonly SqliteParameter _messageText;
    private readonly SqliteParameter _renewUntil;
    private readonly SqliteParameter _claimNow;
    private readonly SqliteParameter _claimUntil;

    private readonly long _leaseTicks;

    /// <param name="connectionString">The file, opened read-write.</param>
    /// <param name="owner">Written on the runs this writer inserts, renews and claims.</param>
    /// <param name="leaseDuration">A new run's lease: from its start.</param>
    public SqliteBatchWriter(string connectionString, string owner, TimeSpan leaseDuration)
    {
        _leaseTicks = leaseDuration.Ticks;
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            SqliteSchema.Initialize(_connection);

            // IMMEDIATE takes the write lock at BEGIN, so a competing process makes us wait (busy_timeout)
            // up front instead of failing the batch halfway with SQLITE_BUSY.
            _begin = Prepare("BEGIN IMMEDIATE;");
            _commit = Prepare("COMMIT;");
            _rollback = Prepare("ROLLBACK;");

            _upsertRun = Prepare(UpsertRunSql);
            _runId = Add(_upsertRun, "$id", SqliteType.Text);
            _runWorkflow = Add(_upsertRun, "$workflow", SqliteType.Text);
            _runVersion = Add(_upsertRun, "$version", SqliteType.Text);
            _runStatus = Add(_upsertRun, "$status", SqliteType.Text);
            _runStartedAt = Add(_upsertRun, "$started_at", SqliteType.Integer);
            _runEndedAt = Add(_upsertRun, "$ended_at", SqliteType.Integer);
            _runInput = Add(_upsertRun, "$input", SqliteType.Text);
            _runOutput = Add(_upsertRun, "$output", SqliteType.Text);
            _runError = Add(_upsertRun, "$error", SqliteType.Text);
            Add(_upsertRun, "$owner", SqliteType.Text).Value = owner;
            _runLeaseUntil = Add(_upsertRun, "$lease_until", SqliteType.Integer);

            _insertEvent = Prepare(InsertEventSql);
            _eventRunId = Add(_insertEvent, "$run_id", SqliteType.Text);
            _eventSeq = Add(_insertEvent, "$seq", SqliteType.Integer);
            _eventTs = Add(_insertEvent, "$ts", SqliteType.Integer);
            _eventKind = Add(_insertEvent, "$kind", SqliteType.Text);
            _eventStepPath = Add(_insertEvent, "$step_path", SqliteType.Text);
            _eventAttempt = Add(_insertEvent, "$attempt", SqliteType.Integer);
            _eventData = Add(_insertEvent, "$data", SqliteType.Text);

            _deleteMessage = Prepare(DeleteMessageSql);
            _deleteMessageId = Add(_deleteMessage, "$id", SqliteType.Integer);

            _insertMessage = Prepare(InsertMessageSql);
            _messageChannel = Add(_insertMessage, "$channel", SqliteType.Text);
            _messageReceivedAt = Add(_insertMessage, "$received_at", SqliteType.Integer);
            _messageText = Add(_insertMessage, "$message", SqliteType.Text);

            _renewLeases = Prepare(RenewLeasesSql);
            _renewUntil = Add(_renewLeases, "$until", SqliteType.Integer);
            Add(_renewLeases, "$owner", SqliteType.Text).Value = owner;

            _claimExpired = Prepare(ClaimExpiredSql);
            _claimNow = Add(_claimExpired, "$now", SqliteType.Integer);
            _claimUntil = Add(_claimExpired, "$until", SqliteType.Integer);
            Add(_claimExpired, "$owner", SqliteType.Text).Value = owner;
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Commits the batch in one transaction and completes its saves. If that fails, each save is retried in a
    /// transaction of its own, so one bad save (say, a duplicate sequence) fails only its caller.
    /// </summary>
    /// <returns>How many rows were committed.</returns>
    public int Write(List<IPendingWrite> batch)
    {
        var rows = 0;
        try
        {
            _begin.ExecuteNonQuery();
            foreach (var write in batch)
            {
                rows += write.WriteRows(this);
            }

            _commit.ExecuteNonQuery();
        }
        catch (Exception error)
        {
            // Any failure, not only SqliteException: a save whose task is never completed would hang its run.
            TryRollback();
            if (batch.Count == 1)
            {
                batch[0].Fail(error);
                return 0;
            }

            return WriteEachAlone(batch);
        }

        foreach (var write in batch)
        {
            write.Complete();
        }

        return rows;
    }

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _upsertRun.Dispose();
        _insertEvent.Dispose();
        _deleteMessage.Dispose();
        _insertMessage.Dispose();
        _renewLeases.Dispose();
        _claimExpired.Dispose();

        // Closing the last connection checkpoints the WAL into the main file and removes it.
        _connection.Dispose();
    }

    private int WriteEachAlone(List<IPendingWrite> batch)
    {
        var committed = 0;
        foreach (var write in batch)
        {
            int rows;
            try
            {
                _begin.ExecuteNonQuery();
                rows = write.WriteRows(this);
                _commit.ExecuteNonQuery();
            }
            catch (Exception error)
            {
                TryRollback();
                write.Fail(error);
                continue;
            }

            committed += rows;
            write.Complete();
        }

        return committed;
    }

    /// <summary>Writes a save's run row, events and consumed-message deletions. Inside <see cref="Write"/> only.</summary>
    /// <returns>How many rows it wrote.</returns>
    public int WriteSave(PendingSave save)
    {
        var run = save.Run;
        _runId.Value = run.Id;
        _runWorkflow.Value = run.Workflow;
        _runVersion.Value = run.Version;
        _runStatus.Value = StoreEncoding.ToName(run.Status);
        var started = StoreEncoding.ToTicks(run.StartedAt);
        _runStartedAt.Value = started;
        _runEndedAt.Value = run.EndedAt is { } ended ? StoreEncoding.ToTicks(ended) : DBNull.Value;
        _runInput.Value = (object?)save.Input ?? DBNull.Value;
        _runOutput.Value = (object?)save.Output ?? DBNull.Value;
        _runError.Value = (object?)save.Error ?? DBNull.Value;
        _runLeaseUntil.Value = started + _leaseTicks;
        _upsertRun.ExecuteNonQuery();

        var events = save.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            _eventRunId.Value = e.RunId;
            _eventSeq.Value = e.Sequence;
            _eventTs.Value = StoreEncoding.ToTicks(e.Timestamp);
            _eventKind.Value = StoreEncoding.ToName(e.Kind);
            _eventStepPath.Value = (object?)e.StepPath ?? DBNull.Value;
            _eventAttempt.Value = e.Attempt;
            _eventData.Value = (object?)save.EventData[i] ?? DBNull.Value;
            _insertEvent.ExecuteNonQuery();
        }

        var consumed = save.Consumed;
        for (var i = 0; i < consumed.Length; i++)
        {
            _deleteMessageId.Value = consumed[i];
            _deleteMessage.ExecuteNonQuery();
        }

        return 1 + events.Count + consumed.Length;
    }

    /// <summary>Inserts an inbox message. Inside <see cref="Write"/> only.</summary>
    /// <returns>Its id (final once the transaction commits) and the row count.</returns>
    public (long Id, int Rows) AddMessage(string channel, long receivedAt, string message)
    {
        _messageChannel.Value = channel;
        _messageReceivedAt.Value = receivedAt;
        _messageText.Value = message;
        var id = (long)_insertMessage.ExecuteScalar()!;
        return (id, 1);
    }

    /// <summary>Deletes inbox messages. Inside <see cref="Write"/> only.</summary>
    /// <returns>How many it deleted, twice (result and row count).</returns>
    public (int Deleted, int Rows) DeleteMessages(long[] ids)
    {
        var deleted = 0;
        foreach (var id in ids)
        {
            _deleteMessageId.Value = id;
            deleted += _deleteMessage.ExecuteNonQuery();
        }

        return (deleted, deleted);
    }

    /// <summary>Extends this owner's running leases. Inside <see cref="Write"/> only.</summary>
    /// <returns>How many runs it renewed, twice (result and row count).</returns>
    public (int Renewed, int Rows) RenewLeases(long until)
    {
        _renewUntil.Value = until;
        var renewed = _renewLeases.ExecuteNonQuery();
        return (renewed, renewed);
    }

    /// <summary>Takes over every running run whose lease ended before <paramref name="now"/>. Inside <see cref="Write"/> only.</summary>
    /// <returns>The runs, oldest start first, and the row count.</returns>
    public (IReadOnlyList<RunRecord> Runs, int Rows) ClaimExpired(long now, long until)
    {
        _claimNow.Value = now;
        _claimUntil.Value = until;
        var runs = new List<RunRecord>();
        using (var reader = _claimExpired.ExecuteReader())
        {
            while (reader.Read())
            {
                runs.Add(StoreRows.ReadRun(reader));
            }
        }

        // RETURNING gives no order.
        runs.Sort(StoreRows.OldestFirst);
        return (runs, runs.Count);
    }

    private void TryRollback()
    {
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Some failures (a failed COMMIT, I/O errors) already ended the transaction: nothing left to undo.
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;

        // Compiled now, once: the command keeps the statement and later executions only rebind and step it.
        command.Prepare();
        return command;
    }

    private static SqliteParameter Add(SqliteCommand command, string name, SqliteType type) =>
        command.Parameters.Add(name, type);
}
