using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Orchestrator.Core.History;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Engine.Tests.Stores;

public sealed class SqliteRunStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orchestrator-tests", Guid.NewGuid().ToString("N"));

    // A folder that does not exist yet: the store must create it.
    private string DatabasePath => Path.Combine(_folder, "nested", "runs.db");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task SaveAsync_RunAndHistory_RoundTripsJsonAndTimestamps()
    {
        // 100 ns precision and a non-UTC offset: the instant must come back exactly.
        var started = new DateTimeOffset(2026, 3, 14, 16, 9, 26, TimeSpan.FromHours(1)).AddTicks(1_234_567);
        var run = new RunRecord(
            "run-1", "orders", "1.2.0", RunStatus.Failed, started, started.AddMilliseconds(1500.25),
            JsonNode.Parse("""{"order":{"id":42,"lines":[1,2.5,"ünïcödé ✓"],"gift":null,"rush":true}}"""),
            null,
            JsonNode.Parse("""{"type":"ValueError","message":"bad \"sku\"\n","stack":null,"retryable":false,"step":"price"}"""));
        HistoryEvent[] events =
        [
            new("run-1", 1, started, HistoryEventKind.RunStarted, null, 0, JsonNode.Parse("""{"input":{"order":{"id":42}}}""")),
            new("run-1", 2, started.AddTicks(1), HistoryEventKind.StepStarted, "items[2]/process", 1, null),
            new("run-1", 3, started.AddTicks(2), HistoryEventKind.StepSkipped, "notify/email", 0, new JsonObject()),
            new("run-1", 4, started.AddSeconds(1), HistoryEventKind.RunFailed, null, 0, JsonNode.Parse("""{"error":{"type":"ValueError"}}""")),
        ];

        await using (var store = new SqliteRunStore(DatabasePath))
        {
            await store.SaveAsync(new RunChanges(run, events), CancellationToken.None);

            var loaded = await store.GetRunAsync("run-1", CancellationToken.None);
            Assert.NotNull(loaded);
            AssertSameRun(run, loaded);

            var history = await store.GetHistoryAsync("run-1", CancellationToken.None);
            Assert.Equal(events.Length, history.Count);
            for (var i = 0; i < events.Length; i++)
            {
                Assert.Equal(events[i].RunId, history[i].RunId);
                Assert.Equal(events[i].Sequence, history[i].Sequence);
                Assert.Equal(events[i].Timestamp, history[i].Timestamp);
                Assert.Equal(events[i].Timestamp.UtcTicks, history[i].Timestamp.UtcTicks);
                Assert.Equal(events[i].Kind, history[i].Kind);
                Assert.Equal(events[i].StepPath, history[i].StepPath);
                Assert.Equal(events[i].Attempt, history[i].Attempt);
                Assert.True(JsonNode.DeepEquals(events[i].Data, history[i].Data), $"event {i + 1} data differs");
            }
        }
    }

    [Fact]
    public async Task SaveAsync_SameRunAcrossSaves_UpdatesStateAndAppendsHistory()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        var running = NewRun("run-1", T0);
        await store.SaveAsync(new RunChanges(running, [Event("run-1", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);
        await store.SaveAsync(new RunChanges(running, [Event("run-1", 2, HistoryEventKind.StepStarted, "a"), Event("run-1", 3, HistoryEventKind.StepCompleted, "a")]), CancellationToken.None);
        var completed = running with { Status = RunStatus.Completed, EndedAt = T0.AddSeconds(2), Output = JsonNode.Parse("""{"ok":true}""") };

        // What the run is (its input, workflow, start) was fixed by its first save; a later save cannot rewrite it.
        var rewritten = completed with { Input = JsonNode.Parse("""{"n":2}"""), StartedAt = T0.AddDays(1) };
        await store.SaveAsync(new RunChanges(rewritten, [Event("run-1", 4, HistoryEventKind.RunCompleted)]), CancellationToken.None);

        var loaded = await store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(loaded);
        AssertSameRun(completed, loaded);
        var runs = await store.ListRunsAsync(10, CancellationToken.None);
        Assert.Single(runs);
        var history = await store.GetHistoryAsync("run-1", CancellationToken.None);
        Assert.Equal([1L, 2, 3, 4], history.Select(e => e.Sequence));
        Assert.Equal(HistoryEventKind.RunCompleted, history[^1].Kind);
    }

    [Fact]
    public async Task GetHistoryAsync_SavesOfOneRunOutOfOrder_EventsInSequenceOrder()
    {
        // Two branches of a run may flush concurrently, so a later batch can arrive first.
        await using var store = new SqliteRunStore(DatabasePath);
        var run = NewRun("run-1", T0);
        await store.SaveAsync(new RunChanges(run, [Event("run-1", 4, HistoryEventKind.StepStarted, "b"), Event("run-1", 5, HistoryEventKind.StepCompleted, "b")]), CancellationToken.None);
        await store.SaveAsync(new RunChanges(run, [Event("run-1", 1, HistoryEventKind.RunStarted), Event("run-1", 2, HistoryEventKind.StepStarted, "a"), Event("run-1", 3, HistoryEventKind.StepCompleted, "a")]), CancellationToken.None);

        var history = await store.GetHistoryAsync("run-1", CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4, 5], history.Select(e => e.Sequence));
    }

    [Fact]
    public async Task GetRunAsync_UniquePrefix_ReturnsTheRun()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        await SaveRunsAsync(store, "3f2a9c", "3f7b00", "a1b2c3");

        var found = await store.GetRunAsync("3f2", CancellationToken.None);

        Assert.Equal("3f2a9c", found?.Id);
    }

    [Fact]
    public async Task GetRunAsync_AmbiguousPrefix_ThrowsNamingThePrefix()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        await SaveRunsAsync(store, "3f2a9c", "3f7b00", "a1b2c3");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetRunAsync("3f", CancellationToken.None));

        Assert.Equal("run id prefix '3f' is ambiguous", error.Message);
    }

    [Fact]
    public async Task GetRunAsync_ExactIdThatPrefixesOthers_ReturnsTheExactRun()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        await SaveRunsAsync(store, "abc", "abcd", "abce");

        var found = await store.GetRunAsync("abc", CancellationToken.None);

        Assert.Equal("abc", found?.Id);
    }

    [Fact]
    public async Task GetRunAsync_NoMatch_ReturnsNull()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        await SaveRunsAsync(store, "abc", "abd");

        Assert.Null(await store.GetRunAsync("abz", CancellationToken.None));
        Assert.Null(await store.GetRunAsync("b", CancellationToken.None));
        Assert.Null(await store.GetRunAsync("ABC", CancellationToken.None));
    }

    [Fact]
    public async Task ListRunsAsync_SeveralRuns_NewestFirstUpToLimit()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        await store.SaveAsync(new RunChanges(NewRun("middle", T0.AddMinutes(1)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("oldest", T0), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("newest", T0.AddMinutes(2)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("newest-too", T0.AddMinutes(2)), []), CancellationToken.None);

        var all = await store.ListRunsAsync(10, CancellationToken.None);
        var two = await store.ListRunsAsync(2, CancellationToken.None);

        // Runs that started at the same instant come in descending id order, so paging is stable.
        Assert.Equal(["newest-too", "newest", "middle", "oldest"], all.Select(r => r.Id));
        Assert.Equal(["newest-too", "newest"], two.Select(r => r.Id));
    }

    [Fact]
    public async Task DisposeAsync_ThenReopenSameFile_DataIsStillThere()
    {
        var run = NewRun("durable", T0) with { Status = RunStatus.Completed, EndedAt = T0.AddSeconds(1), Output = JsonNode.Parse("[1,2,3]") };
        await using (var store = new SqliteRunStore(DatabasePath))
        {
            await store.SaveAsync(new RunChanges(run, [Event("durable", 1, HistoryEventKind.RunStarted), Event("durable", 2, HistoryEventKind.RunCompleted)]), CancellationToken.None);
            Assert.NotNull(await store.GetRunAsync("durable", CancellationToken.None));
        }

        // Closed cleanly: everything is in the database file itself, nothing left in a WAL beside it.
        Assert.False(File.Exists(DatabasePath + "-wal"));

        await using (var reopened = new SqliteRunStore(DatabasePath))
        {
            var loaded = await reopened.GetRunAsync("durable", CancellationToken.None);
            Assert.NotNull(loaded);
            AssertSameRun(run, loaded);
            Assert.Equal(2, (await reopened.GetHistoryAsync("durable", CancellationToken.None)).Count);
        }
    }

    [Fact]
    public async Task DisposeAsync_SavesStillQueued_AreWrittenBeforeClosing()
    {
        var saves = new List<Task>();
        await using (var store = new SqliteRunStore(DatabasePath))
        {
            for (var i = 0; i < 500; i++)
            {
                saves.Add(store.SaveAsync(new RunChanges(NewRun($"run-{i:D3}", T0), [Event($"run-{i:D3}", 1, HistoryEventKind.RunStarted)]), CancellationToken.None).AsTask());
            }
        }

        await Task.WhenAll(saves);
        await using var reopened = new SqliteRunStore(DatabasePath);
        Assert.Equal(500, (await reopened.ListRunsAsync(1000, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveAsync_1000ConcurrentCallers_AllPersisted()
    {
        await using var store = new SqliteRunStore(DatabasePath);

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            var id = $"run-{i:D4}";
            var run = NewRun(id, T0.AddMilliseconds(i));
            await store.SaveAsync(new RunChanges(run, [Event(id, 1, HistoryEventKind.RunStarted), Event(id, 2, HistoryEventKind.StepStarted, "a")]), CancellationToken.None);
            await store.SaveAsync(new RunChanges(run with { Status = RunStatus.Completed, EndedAt = run.StartedAt.AddSeconds(1) }, [Event(id, 3, HistoryEventKind.StepCompleted, "a"), Event(id, 4, HistoryEventKind.RunCompleted)]), CancellationToken.None);
        })));

        var runs = await store.ListRunsAsync(5000, CancellationToken.None);
        Assert.Equal(1000, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal("run-0999", runs[0].Id);
        foreach (var id in new[] { "run-0000", "run-0500", "run-0999" })
        {
            Assert.Equal([1L, 2, 3, 4], (await store.GetHistoryAsync(id, CancellationToken.None)).Select(e => e.Sequence));
        }
    }

    [Fact]
    public async Task SaveAsync_DuplicateSequenceAmongConcurrentSaves_FailsOnlyThatSave()
    {
        await using var store = new SqliteRunStore(DatabasePath);
        await store.SaveAsync(new RunChanges(NewRun("bad", T0), [Event("bad", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);

        // Queue them together so they are likely to share a batch.
        var good = Enumerable.Range(0, 200)
            .Select(i => store.SaveAsync(new RunChanges(NewRun($"good-{i}", T0), [Event($"good-{i}", 1, HistoryEventKind.RunStarted)]), CancellationToken.None).AsTask())
            .ToList();
        var duplicate = store.SaveAsync(new RunChanges(NewRun("bad", T0) with { Status = RunStatus.Failed }, [Event("bad", 1, HistoryEventKind.RunFailed)]), CancellationToken.None).AsTask();

        await Task.WhenAll(good);
        await Assert.ThrowsAsync<SqliteException>(() => duplicate);

        // The failed save left nothing behind (its run update rolled back too), and the store keeps writing.
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("bad", CancellationToken.None))?.Status);
        Assert.Single(await store.GetHistoryAsync("bad", CancellationToken.None));
        Assert.Equal(201, (await store.ListRunsAsync(1000, CancellationToken.None)).Count);
        await store.SaveAsync(new RunChanges(NewRun("after", T0), []), CancellationToken.None);
        Assert.NotNull(await store.GetRunAsync("after", CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_EventOfAnotherRun_ThrowsArgumentException()
    {
        await using var store = new SqliteRunStore(DatabasePath);

        var save = () => store.SaveAsync(new RunChanges(NewRun("mine", T0), [Event("other", 1, HistoryEventKind.RunStarted)]), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<ArgumentException>(save);
    }

    [Fact]
    public async Task SaveAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var store = new SqliteRunStore(DatabasePath);
        await store.DisposeAsync();

        var save = () => store.SaveAsync(new RunChanges(NewRun("late", T0), []), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<ObjectDisposedException>(save);
    }

    private static RunRecord NewRun(string id, DateTimeOffset started) =>
        new(id, "orders", "1.0.0", RunStatus.Running, started, null, JsonNode.Parse("""{"n":1}"""), null, null);

    private static HistoryEvent Event(string runId, long sequence, HistoryEventKind kind, string? path = null) =>
        new(runId, sequence, T0.AddMilliseconds(sequence), kind, path, path is null ? 0 : 1, new JsonObject { ["seq"] = sequence });

    private static async Task SaveRunsAsync(SqliteRunStore store, params string[] ids)
    {
        foreach (var id in ids)
        {
            await store.SaveAsync(new RunChanges(NewRun(id, T0), []), CancellationToken.None);
        }
    }

    private static void AssertSameRun(RunRecord expected, RunRecord actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Workflow, actual.Workflow);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.StartedAt, actual.StartedAt);
        Assert.Equal(expected.StartedAt.UtcTicks, actual.StartedAt.UtcTicks);
        Assert.Equal(expected.EndedAt, actual.EndedAt);
        Assert.True(JsonNode.DeepEquals(expected.Input, actual.Input), "input differs");
        Assert.True(JsonNode.DeepEquals(expected.Output, actual.Output), "output differs");
        Assert.True(JsonNode.DeepEquals(expected.Error, actual.Error), "error differs");
    }
}
