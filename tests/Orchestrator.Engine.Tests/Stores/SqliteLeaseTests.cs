using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Orchestrator.Core.History;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Engine.Tests.Stores;

public sealed class SqliteLeaseTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    // The layout of schema version 1 (the previous release), as it created it.
    private const string Version1Tables = """
        CREATE TABLE IF NOT EXISTS runs (
            id          TEXT    NOT NULL PRIMARY KEY,
            workflow    TEXT    NOT NULL,
            version     TEXT    NOT NULL,
            status      TEXT    NOT NULL,
            started_at  INTEGER NOT NULL,
            ended_at    INTEGER,
            input       TEXT,
            output      TEXT,
            error       TEXT
        ) STRICT;

        CREATE INDEX IF NOT EXISTS runs_newest_first ON runs (started_at DESC, id DESC);

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
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orchestrator-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Constructor_NoOptions_RandomOwnerPerStoreAndSixtySecondLease()
    {
        await using var first = new SqliteRunStore(DatabasePath);
        await using var second = new SqliteRunStore(DatabasePath);

        Assert.False(string.IsNullOrWhiteSpace(first.Owner));
        Assert.NotEqual(first.Owner, second.Owner);
        Assert.Equal(TimeSpan.FromSeconds(60), first.LeaseDuration);
    }

    [Fact]
    public void Constructor_LeaseNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteRunStore(DatabasePath, TimeSpan.Zero));
    }

    [Fact]
    public async Task SaveAsync_NewRun_StampsOwnerAndLeaseFromItsStart_LaterSavesLeaveThem()
    {
        await using var store = new SqliteRunStore(DatabasePath, Lease, "engine-a");
        var run = NewRun("run-1", T0);
        await store.SaveAsync(new RunChanges(run, [Event("run-1", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);

        AssertLease("run-1", "engine-a", T0 + Lease);

        // A later save (even with a different start, which the store ignores) does not move the lease.
        await store.SaveAsync(new RunChanges(run with { StartedAt = T0.AddHours(1) }, [Event("run-1", 2, HistoryEventKind.StepStarted)]), CancellationToken.None);
        AssertLease("run-1", "engine-a", T0 + Lease);
    }

    [Fact]
    public async Task RenewLeasesAsync_RenewsOnlyThisOwnersRunningRuns()
    {
        await using var a = new SqliteRunStore(DatabasePath, Lease, "engine-a");
        await using var b = new SqliteRunStore(DatabasePath, Lease, "engine-b");
        await a.SaveAsync(new RunChanges(NewRun("a-running", T0), []), CancellationToken.None);
        await a.SaveAsync(new RunChanges(Completed(NewRun("a-done", T0)), []), CancellationToken.None);
        await b.SaveAsync(new RunChanges(NewRun("b-running", T0), []), CancellationToken.None);

        var until = T0.AddMinutes(5);
        await a.RenewLeasesAsync(until, CancellationToken.None);

        AssertLease("a-running", "engine-a", until);
        AssertLease("a-done", "engine-a", T0 + Lease);
        AssertLease("b-running", "engine-b", T0 + Lease);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_TwoStores_SecondClaimsOnlyAfterTheFirstsLeaseEnded()
    {
        await using var a = new SqliteRunStore(DatabasePath, Lease, "engine-a");
        await using var b = new SqliteRunStore(DatabasePath, Lease, "engine-b");
        var run = NewRun("orphan", T0) with { Input = JsonNode.Parse("""{"order":{"id":42}}""") };
        await a.SaveAsync(new RunChanges(run, [Event("orphan", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);
        await a.SaveAsync(new RunChanges(Completed(NewRun("finished", T0.AddSeconds(-600))), []), CancellationToken.None);

        // Still held: before the lease ends, and at its very end (a lease that ends at 'now' has not ended before it).
        Assert.Empty(await b.ClaimExpiredRunsAsync(T0.AddSeconds(10), T0.AddSeconds(70), CancellationToken.None));
        Assert.Empty(await b.ClaimExpiredRunsAsync(T0 + Lease, T0.AddSeconds(90), CancellationToken.None));
        AssertLease("orphan", "engine-a", T0 + Lease);

        var now = T0 + Lease + TimeSpan.FromTicks(1);
        var claimed = await b.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None);

        var taken = Assert.Single(claimed);
        Assert.Equal("orphan", taken.Id);
        Assert.Equal(RunStatus.Running, taken.Status);
        Assert.Equal(T0, taken.StartedAt);
        Assert.True(JsonNode.DeepEquals(run.Input, taken.Input), "input differs");
        AssertLease("orphan", "engine-b", now + Lease);

        // Claimed once: neither store gets it again while b's lease holds, and a's renewals no longer reach it.
        Assert.Empty(await a.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None));
        Assert.Empty(await b.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None));
        await a.RenewLeasesAsync(now.AddHours(1), CancellationToken.None);
        AssertLease("orphan", "engine-b", now + Lease);

        // A late save from the old owner does not take the run back.
        await a.SaveAsync(new RunChanges(run, [Event("orphan", 2, HistoryEventKind.StepStarted)]), CancellationToken.None);
        AssertLease("orphan", "engine-b", now + Lease);

        // Completed runs are never claimed, however old their lease.
        var later = await b.ClaimExpiredRunsAsync(now.AddDays(1), now.AddDays(2), CancellationToken.None);
        Assert.Equal(["orphan"], later.Select(r => r.Id));
        AssertLease("finished", "engine-a", T0.AddSeconds(-600) + Lease);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_SeveralExpiredRuns_OldestStartFirst()
    {
        await using (var a = new SqliteRunStore(DatabasePath, Lease, "engine-a"))
        {
            await a.SaveAsync(new RunChanges(NewRun("middle", T0.AddSeconds(1)), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(NewRun("newest", T0.AddSeconds(2)), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(NewRun("oldest", T0), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(Completed(NewRun("done", T0.AddSeconds(-1))), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(NewRun("fresh", T0.AddHours(1)), []), CancellationToken.None);
        }

        // The first engine is gone (its store closed; its leases stay in the file).
        await using var b = new SqliteRunStore(DatabasePath, Lease, "engine-b");
        var claimed = await b.ClaimExpiredRunsAsync(T0.AddMinutes(1), T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal(["oldest", "middle", "newest"], claimed.Select(r => r.Id));
        AssertLease("fresh", "engine-a", T0.AddHours(1) + Lease);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_TwoStoresClaimingAtOnce_EachRunClaimedOnce()
    {
        await using (var dead = new SqliteRunStore(DatabasePath, Lease, "engine-dead"))
        {
            for (var i = 0; i < 200; i++)
            {
                await dead.SaveAsync(new RunChanges(NewRun($"run-{i:D3}", T0.AddMilliseconds(i)), []), CancellationToken.None);
            }
        }

        await using var a = new SqliteRunStore(DatabasePath, Lease, "engine-a");
        await using var b = new SqliteRunStore(DatabasePath, Lease, "engine-b");
        var now = T0.AddMinutes(10);
        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None))));

        var ids = claims.SelectMany(c => c.Select(r => r.Id)).ToList();
        Assert.Equal(200, ids.Count);
        Assert.Equal(200, ids.Distinct().Count());
    }

    [Fact]
    public async Task SaveAsync_EveryHistoryEventKind_RoundTrips()
    {
        // Including the suspend and resume kinds that a claiming engine records.
        var kinds = Enum.GetValues<HistoryEventKind>();
        await using var store = new SqliteRunStore(DatabasePath, Lease, "engine-a");
        var events = kinds.Select((kind, i) => new HistoryEvent("run-1", i + 1, T0, kind, null, 0, new JsonObject { ["owner"] = "engine-a" })).ToList();

        await store.SaveAsync(new RunChanges(NewRun("run-1", T0), events), CancellationToken.None);

        Assert.Equal(kinds, (await store.GetHistoryAsync("run-1", CancellationToken.None)).Select(e => e.Kind));
    }

    [Fact]
    public async Task Open_Version1File_MigratesInPlaceAndItsRunningRunsCanBeClaimed()
    {
        Directory.CreateDirectory(_folder);
        using (var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadWriteCreate)))
        {
            connection.Open();
            Execute(connection, Version1Tables);
            Execute(connection, "PRAGMA user_version = 1;");
            Execute(connection, $$"""
                INSERT INTO runs (id, workflow, version, status, started_at, ended_at, input, output, error) VALUES
                    ('old-running', 'orders', '1.0.0', 'running', {{Ticks(T0)}}, NULL, '{"n":7}', NULL, NULL),
                    ('old-done', 'orders', '1.0.0', 'completed', {{Ticks(T0)}}, {{Ticks(T0.AddSeconds(1))}}, NULL, '[1]', NULL);
                INSERT INTO history (run_id, seq, ts, kind, step_path, attempt, data) VALUES
                    ('old-running', 1, {{Ticks(T0)}}, 'RunStarted', NULL, 0, NULL);
                """);
        }

        await using (var store = new SqliteRunStore(DatabasePath, Lease, "engine-new"))
        {
            Assert.Equal(2L, ReadScalar("PRAGMA user_version;"));
            Assert.Equal(1L, ReadScalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'inbox';"));
            Assert.Equal(1L, ReadScalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'runs_leases';"));
            AssertLease("old-running", null, null);

            // What the old release wrote is still there.
            Assert.Equal(RunStatus.Completed, (await store.GetRunAsync("old-done", CancellationToken.None))?.Status);
            Assert.Single(await store.GetHistoryAsync("old-running", CancellationToken.None));

            // A NULL lease counts as expired, whenever the claim.
            var now = T0.AddTicks(-1);
            var claimed = await store.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None);
            var run = Assert.Single(claimed);
            Assert.Equal("old-running", run.Id);
            Assert.Equal(7, run.Input?["n"]?.GetValue<int>());
            AssertLease("old-running", "engine-new", now + Lease);

            // The new parts work on the migrated file.
            var id = await store.AddMessageAsync("orders", new JsonObject { ["id"] = "m" }, T0, CancellationToken.None);
            await store.SaveAsync(new RunChanges(NewRun("new-run", T0), [Event("new-run", 1, HistoryEventKind.RunStarted)], [id]), CancellationToken.None);
            Assert.Empty(await store.ListMessagesAsync(CancellationToken.None));
            AssertLease("new-run", "engine-new", T0 + Lease);
        }

        // Opening it again finds version 2 and changes nothing.
        await using (var reopened = new SqliteRunStore(DatabasePath, Lease, "engine-other"))
        {
            Assert.Equal(3, (await reopened.ListRunsAsync(10, CancellationToken.None)).Count);
            Assert.Equal(2L, ReadScalar("PRAGMA user_version;"));
        }
    }

    [Fact]
    public void Open_NewerVersionFile_Throws()
    {
        Directory.CreateDirectory(_folder);
        using (var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadWriteCreate)))
        {
            connection.Open();
            Execute(connection, "PRAGMA user_version = 99;");
        }

        var error = Assert.Throws<InvalidOperationException>(() => new SqliteRunStore(DatabasePath));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    private static RunRecord NewRun(string id, DateTimeOffset started) =>
        new(id, "orders", "1.0.0", RunStatus.Running, started, null, JsonNode.Parse("""{"n":1}"""), null, null);

    private static RunRecord Completed(RunRecord run) =>
        run with { Status = RunStatus.Completed, EndedAt = run.StartedAt.AddSeconds(1), Output = JsonNode.Parse("""{"ok":true}""") };

    private static HistoryEvent Event(string runId, long sequence, HistoryEventKind kind) =>
        new(runId, sequence, T0.AddMilliseconds(sequence), kind, kind is HistoryEventKind.StepStarted ? "a" : null, kind is HistoryEventKind.StepStarted ? 1 : 0, null);

    // The store's time columns: 100 ns units since 1970-01-01 UTC.
    private static long Ticks(DateTimeOffset value) => value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    private string ConnectionString(SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = mode, Pooling = false }.ToString();

    private void AssertLease(string runId, string? owner, DateTimeOffset? until)
    {
        var (actualOwner, actualUntil) = ReadLease(runId);
        Assert.Equal(owner, actualOwner);
        Assert.Equal(until, actualUntil);
    }

    private (string? Owner, DateTimeOffset? Until) ReadLease(string runId)
    {
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT owner, lease_until FROM runs WHERE id = $id;";
        command.Parameters.AddWithValue("$id", runId);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"no run '{runId}'");
        return (
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(1)));
    }

    private object? ReadScalar(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
