using Microsoft.Data.Sqlite;

namespace Orchestrator.Stores.Sqlite;

/// <summary>
/// The writer's side of group commit: one connection and its prepared statements, used by one thread at a time,
/// writing a whole batch of saves in one transaction.
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
    // (measured ~10% off a lone save).
    private const string UpsertRunSql = """
        INSERT INTO runs (id, workflow, version, status, started_at, ended_at, input, output, error)
        VALUES ($id, $workflow, $version, $status, $started_at, $ended_at, $input, $output, $error)
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

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _upsertRun;
    private readonly SqliteCommand _insertEvent;

    private readonly SqliteParameter _runId;
    private readonly SqliteParameter _runWorkflow;
    private readonly SqliteParameter _runVersion;
    private readonly SqliteParameter _runStatus;
    private readonly SqliteParameter _runStartedAt;
    private readonly SqliteParameter _runEndedAt;
    private readonly SqliteParameter _runInput;
    private readonly SqliteParameter _runOutput;
    private readonly SqliteParameter _runError;

    private readonly SqliteParameter _eventRunId;
    private readonly SqliteParameter _eventSeq;
    private readonly SqliteParameter _eventTs;
    private readonly SqliteParameter _eventKind;
    private readonly SqliteParameter _eventStepPath;
    private readonly SqliteParameter _eventAttempt;
    private readonly SqliteParameter _eventData;

    public SqliteBatchWriter(string connectionString)
    {
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

            _insertEvent = Prepare(InsertEventSql);
            _eventRunId = Add(_insertEvent, "$run_id", SqliteType.Text);
            _eventSeq = Add(_insertEvent, "$seq", SqliteType.Integer);
            _eventTs = Add(_insertEvent, "$ts", SqliteType.Integer);
            _eventKind = Add(_insertEvent, "$kind", SqliteType.Text);
            _eventStepPath = Add(_insertEvent, "$step_path", SqliteType.Text);
            _eventAttempt = Add(_insertEvent, "$attempt", SqliteType.Integer);
            _eventData = Add(_insertEvent, "$data", SqliteType.Text);
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
    public int Write(List<PendingSave> batch)
    {
        var rows = 0;
        try
        {
            _begin.ExecuteNonQuery();
            foreach (var save in batch)
            {
                rows += WriteRows(save);
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

        foreach (var save in batch)
        {
            save.Complete();
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

        // Closing the last connection checkpoints the WAL into the main file and removes it.
        _connection.Dispose();
    }

    private int WriteEachAlone(List<PendingSave> batch)
    {
        var committed = 0;
        foreach (var save in batch)
        {
            int rows;
            try
            {
                _begin.ExecuteNonQuery();
                rows = WriteRows(save);
                _commit.ExecuteNonQuery();
            }
            catch (Exception error)
            {
                TryRollback();
                save.Fail(error);
                continue;
            }

            committed += rows;
            save.Complete();
        }

        return committed;
    }

    private int WriteRows(PendingSave save)
    {
        var run = save.Run;
        _runId.Value = run.Id;
        _runWorkflow.Value = run.Workflow;
        _runVersion.Value = run.Version;
        _runStatus.Value = SqliteCodec.ToColumn(run.Status);
        _runStartedAt.Value = SqliteCodec.ToColumn(run.StartedAt);
        _runEndedAt.Value = run.EndedAt is { } ended ? SqliteCodec.ToColumn(ended) : DBNull.Value;
        _runInput.Value = (object?)save.Input ?? DBNull.Value;
        _runOutput.Value = (object?)save.Output ?? DBNull.Value;
        _runError.Value = (object?)save.Error ?? DBNull.Value;
        _upsertRun.ExecuteNonQuery();

        var events = save.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            _eventRunId.Value = e.RunId;
            _eventSeq.Value = e.Sequence;
            _eventTs.Value = SqliteCodec.ToColumn(e.Timestamp);
            _eventKind.Value = SqliteCodec.ToColumn(e.Kind);
            _eventStepPath.Value = (object?)e.StepPath ?? DBNull.Value;
            _eventAttempt.Value = e.Attempt;
            _eventData.Value = (object?)save.EventData[i] ?? DBNull.Value;
            _insertEvent.ExecuteNonQuery();
        }

        return 1 + events.Count;
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
