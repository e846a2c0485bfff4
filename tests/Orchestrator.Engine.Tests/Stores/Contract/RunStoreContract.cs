using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;

namespace Orchestrator.Tests.Stores;

/// <summary>What every durable <see cref="IRunStore"/> must do, whatever the database under it.</summary>
public abstract partial class RunStoreContract<TStore, TDatabase> : StoreTest<TStore, TDatabase>
    where TStore : IRunStore, IEventInbox, IRunLeases, IAsyncDisposable
    where TDatabase : IStoreUnderTest<TStore>, new()
{
    [Fact]
    public async Task SaveAsync_RunAndHistory_RoundTripsJsonAndTimestampsExactly()
    {
        // 100 ns precision (PostgreSQL's timestamptz would keep microseconds only) and a non-UTC offset: the instant
        // must come back exactly.
        var started = new DateTimeOffset(2026, 3, 14, 16, 9, 26, TimeSpan.FromHours(1)).AddTicks(1_234_567);
        var run = new RunRecord(
            "run-1", "orders", "1.2.0", RunStatus.Failed, started, started.AddMilliseconds(1500.25).AddTicks(3),
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

        await using var store = await Db.OpenAsync();
        await store.SaveAsync(new RunChanges(run, events), CancellationToken.None);

        var loaded = await store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(loaded);
        AssertSameRun(run, loaded);
        Assert.Equal(run.EndedAt!.Value.UtcTicks, loaded.EndedAt!.Value.UtcTicks);

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

    [Fact]
    public async Task SaveAsync_JsonWithKeyOrderAndNulCharacter_ComesBackAsWritten()
    {
        // JSON is kept as its exact text (in PostgreSQL, json and not jsonb: jsonb would sort the keys and reject \u0000).
        await using var store = await Db.OpenAsync();
        var output = JsonNode.Parse("""{"zeta":1,"alpha":{"b":2,"a":1},"text":"a\u0000b","big":12345678901234567890123}""");
        await store.SaveAsync(new RunChanges(Completed(NewRun("run-1")) with { Output = output }, []), CancellationToken.None);

        var loaded = await store.GetRunAsync("run-1", CancellationToken.None);

        Assert.Equal(output!.ToJsonString(), loaded?.Output?.ToJsonString());
    }

    [Fact]
    public async Task SaveAsync_SameRunAcrossSaves_UpdatesStateAndAppendsHistory()
    {
        await using var store = await Db.OpenAsync();
        var running = NewRun("run-1");
        await store.SaveAsync(new RunChanges(running, [Event("run-1", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);
        await store.SaveAsync(new RunChanges(running, [Event("run-1", 2, HistoryEventKind.StepStarted, "a"), Event("run-1", 3, HistoryEventKind.StepCompleted, "a")]), CancellationToken.None);
        var completed = Completed(running);

        // What the run is (its input, workflow, start) was fixed by its first save; a later save cannot rewrite it.
        var rewritten = completed with { Input = JsonNode.Parse("""{"n":2}"""), StartedAt = T0.AddDays(1) };
        await store.SaveAsync(new RunChanges(rewritten, [Event("run-1", 4, HistoryEventKind.RunCompleted)]), CancellationToken.None);

        var loaded = await store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(loaded);
        AssertSameRun(completed, loaded);
        Assert.Single(await store.ListRunsAsync(10, CancellationToken.None));
        var history = await store.GetHistoryAsync("run-1", CancellationToken.None);
        Assert.Equal([1L, 2, 3, 4], history.Select(e => e.Sequence));
        Assert.Equal(HistoryEventKind.RunCompleted, history[^1].Kind);
    }

    [Fact]
    public async Task SaveAsync_SameRunSavedTwiceWithoutWaiting_BothCommittedInCallOrder()
    {
        // Saves of one run queued together commit in call order (in PostgreSQL they cannot share a batch's one upsert:
        // the second goes in the next batch).
        await using var store = await Db.OpenAsync();
        var run = NewRun("run-1");
        var saves = new List<Task>();
        for (var i = 0; i < 50; i++)
        {
            var state = i == 49 ? Completed(run) : run;
            saves.Add(store.SaveAsync(new RunChanges(state, [Event("run-1", i + 1, HistoryEventKind.StepStarted, "a")]), CancellationToken.None).AsTask());
            saves.Add(store.SaveAsync(new RunChanges(NewRun($"other-{i}"), []), CancellationToken.None).AsTask());
        }

        await Task.WhenAll(saves);

        Assert.Equal(RunStatus.Completed, (await store.GetRunAsync("run-1", CancellationToken.None))?.Status);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), (await store.GetHistoryAsync("run-1", CancellationToken.None)).Select(e => e.Sequence));
        Assert.Equal(51, (await store.ListRunsAsync(100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task GetHistoryAsync_SavesOfOneRunOutOfOrder_EventsInSequenceOrder()
    {
        // Two branches of a run may flush concurrently, so a later batch can arrive first.
        await using var store = await Db.OpenAsync();
        var run = NewRun("run-1");
        await store.SaveAsync(new RunChanges(run, [Event("run-1", 4, HistoryEventKind.StepStarted, "b"), Event("run-1", 5, HistoryEventKind.StepCompleted, "b")]), CancellationToken.None);
        await store.SaveAsync(new RunChanges(run, [Event("run-1", 1, HistoryEventKind.RunStarted), Event("run-1", 2, HistoryEventKind.StepStarted, "a"), Event("run-1", 3, HistoryEventKind.StepCompleted, "a")]), CancellationToken.None);

        var history = await store.GetHistoryAsync("run-1", CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4, 5], history.Select(e => e.Sequence));
    }

    [Fact]
    public async Task GetRunAsync_UniquePrefix_ReturnsTheRun()
    {
        await using var store = await Db.OpenAsync();
        await SaveRunsAsync(store, "3f2a9c", "3f7b00", "a1b2c3");

        var found = await store.GetRunAsync("3f2", CancellationToken.None);

        Assert.Equal("3f2a9c", found?.Id);
    }

    [Fact]
    public async Task GetRunAsync_AmbiguousPrefix_ThrowsNamingThePrefix()
    {
        await using var store = await Db.OpenAsync();
        await SaveRunsAsync(store, "3f2a9c", "3f7b00", "a1b2c3");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetRunAsync("3f", CancellationToken.None));

        Assert.Equal("run id prefix '3f' is ambiguous", error.Message);
    }

    [Fact]
    public async Task GetRunAsync_ExactIdThatPrefixesOthers_ReturnsTheExactRun()
    {
        await using var store = await Db.OpenAsync();
        await SaveRunsAsync(store, "abc", "abcd", "abce");

        var found = await store.GetRunAsync("abc", CancellationToken.None);

        Assert.Equal("abc", found?.Id);
    }

    [Fact]
    public async Task GetRunAsync_PrefixWithLikeWildcards_MatchesThemAsPlainCharacters()
    {
        // No LIKE: '_' and '%' are plain characters.
        await using var store = await Db.OpenAsync();
        await SaveRunsAsync(store, "abc", "ab-c", "ab_c", "ab%c");

        Assert.Equal("ab_c", (await store.GetRunAsync("ab_", CancellationToken.None))?.Id);
        Assert.Equal("ab%c", (await store.GetRunAsync("ab%", CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task GetRunAsync_NoMatch_ReturnsNull()
    {
        await using var store = await Db.OpenAsync();
        await SaveRunsAsync(store, "abc", "abd");

        Assert.Null(await store.GetRunAsync("abz", CancellationToken.None));
        Assert.Null(await store.GetRunAsync("b", CancellationToken.None));
        Assert.Null(await store.GetRunAsync("ABC", CancellationToken.None));
    }

    [Fact]
    public async Task ListRunsAsync_SeveralRuns_NewestFirstThenIdDescendingUpToLimit()
    {
        await using var store = await Db.OpenAsync();
        await store.SaveAsync(new RunChanges(NewRun("middle", T0.AddMinutes(1)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("oldest", T0), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("newest", T0.AddMinutes(2)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("newest-too", T0.AddMinutes(2)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("Newest", T0.AddMinutes(2)), []), CancellationToken.None);

        var all = await store.ListRunsAsync(10, CancellationToken.None);
        var two = await store.ListRunsAsync(2, CancellationToken.None);

        // Runs that started at the same instant come in descending byte order of the id, so paging is stable:
        // "N" (0x4E) before "n" whatever the database's locale.
        Assert.Equal(["newest-too", "newest", "Newest", "middle", "oldest"], all.Select(r => r.Id));
        Assert.Equal(["newest-too", "newest"], two.Select(r => r.Id));
    }

    [Fact]
    public async Task DisposeAsync_ThenReopen_DataIsStillThere()
    {
        var run = Completed(NewRun("durable")) with { Output = JsonNode.Parse("[1,2,3]") };
        await using (var store = await Db.OpenAsync())
        {
            await store.SaveAsync(new RunChanges(run, [Event("durable", 1, HistoryEventKind.RunStarted), Event("durable", 2, HistoryEventKind.RunCompleted)]), CancellationToken.None);
            Assert.NotNull(await store.GetRunAsync("durable", CancellationToken.None));
        }

        await Db.AssertClosedCleanlyAsync();

        await using (var reopened = await Db.OpenAsync())
        {
            var loaded = await reopened.GetRunAsync("durable", CancellationToken.None);
            Assert.NotNull(loaded);
            AssertSameRun(run, loaded);
            Assert.Equal(2, (await reopened.GetHistoryAsync("durable", CancellationToken.None)).Count);
        }

        await Db.AssertClosedCleanlyAsync();
    }

    [Fact]
    public async Task DisposeAsync_SavesStillQueued_AreWrittenBeforeClosing()
    {
        var saves = new List<Task>();
        await using (var store = await Db.OpenAsync())
        {
            for (var i = 0; i < 500; i++)
            {
                saves.Add(store.SaveAsync(new RunChanges(NewRun($"run-{i:D3}"), [Event($"run-{i:D3}", 1, HistoryEventKind.RunStarted)]), CancellationToken.None).AsTask());
            }
        }

        await Task.WhenAll(saves);
        await using var reopened = await Db.OpenAsync();
        Assert.Equal(500, (await reopened.ListRunsAsync(1000, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveAsync_1000ConcurrentCallers_AllPersistedInFewTransactions()
    {
        await using var store = await Db.OpenAsync();
        var commitsBefore = await Db.CommittedTransactionsAsync();

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            var id = $"run-{i:D4}";
            var run = NewRun(id, T0.AddMilliseconds(i));
            await store.SaveAsync(new RunChanges(run, [Event(id, 1, HistoryEventKind.RunStarted), Event(id, 2, HistoryEventKind.StepStarted, "a")]), CancellationToken.None);
            await store.SaveAsync(new RunChanges(Completed(run), [Event(id, 3, HistoryEventKind.StepCompleted, "a"), Event(id, 4, HistoryEventKind.RunCompleted)]), CancellationToken.None);
        })));

        var commits = await Db.CommittedTransactionsAsync() - commitsBefore;
        var runs = await store.ListRunsAsync(5000, CancellationToken.None);
        Assert.Equal(1000, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal("run-0999", runs[0].Id);
        Assert.Equal(4000L, await Db.ScalarAsync("SELECT count(*) FROM history;"));
        foreach (var id in new[] { "run-0000", "run-0500", "run-0999" })
        {
            Assert.Equal([1L, 2, 3, 4], (await store.GetHistoryAsync(id, CancellationToken.None)).Select(e => e.Sequence));
        }

        // Group commit: 2,000 saves shared far fewer transactions (the count includes this test's own queries),
        // where the database counts them.
        Assert.True(commits is null or < 1000, $"{commits} transactions for 2,000 saves");
    }

    [Fact]
    public async Task SaveAsync_DuplicateSequenceAmongConcurrentSaves_FailsOnlyThatSave()
    {
        await using var store = await Db.OpenAsync();
        await store.SaveAsync(new RunChanges(NewRun("bad"), [Event("bad", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);

        // Queued together so that they are likely to share a batch: the batch rolls back and is retried save by save.
        var good = Enumerable.Range(0, 200)
            .Select(i => store.SaveAsync(new RunChanges(NewRun($"good-{i}"), [Event($"good-{i}", 1, HistoryEventKind.RunStarted)]), CancellationToken.None).AsTask())
            .ToList();
        var duplicate = store.SaveAsync(new RunChanges(NewRun("bad") with { Status = RunStatus.Failed }, [Event("bad", 1, HistoryEventKind.RunFailed)]), CancellationToken.None).AsTask();

        await Task.WhenAll(good);
        Db.AssertDuplicateKey(await Assert.ThrowsAnyAsync<Exception>(() => duplicate));

        // The failed save left nothing behind (its run update rolled back too), and the store keeps writing.
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("bad", CancellationToken.None))?.Status);
        Assert.Single(await store.GetHistoryAsync("bad", CancellationToken.None));
        Assert.Equal(201, (await store.ListRunsAsync(1000, CancellationToken.None)).Count);
        await store.SaveAsync(new RunChanges(NewRun("after"), []), CancellationToken.None);
        Assert.NotNull(await store.GetRunAsync("after", CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_EveryHistoryEventKind_RoundTrips()
    {
        var kinds = Enum.GetValues<HistoryEventKind>();
        await using var store = await Db.OpenAsync();
        var events = kinds.Select((kind, i) => new HistoryEvent("run-1", i + 1, T0, kind, null, 0, null)).ToList();

        await store.SaveAsync(new RunChanges(NewRun("run-1"), events), CancellationToken.None);

        Assert.Equal(kinds, (await store.GetHistoryAsync("run-1", CancellationToken.None)).Select(e => e.Kind));
    }

    [Fact]
    public async Task SaveAsync_EventOfAnotherRun_ThrowsArgumentException()
    {
        await using var store = await Db.OpenAsync();

        var save = () => store.SaveAsync(new RunChanges(NewRun("mine"), [Event("other", 1, HistoryEventKind.RunStarted)]), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<ArgumentException>(save);
    }

    [Fact]
    public async Task Calls_AfterDispose_ThrowObjectDisposed()
    {
        var store = await Db.OpenAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SaveAsync(new RunChanges(NewRun("late"), []), CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListRunsAsync(1, CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.RenewLeasesAsync(T0, CancellationToken.None));
    }

    private static async Task SaveRunsAsync(TStore store, params string[] ids)
    {
        foreach (var id in ids)
        {
            await store.SaveAsync(new RunChanges(NewRun(id), []), CancellationToken.None);
        }
    }
}
