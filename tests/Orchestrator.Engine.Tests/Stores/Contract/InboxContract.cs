using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;

namespace Orchestrator.Tests.Stores;

/// <summary>What every durable store's <see cref="IEventInbox"/> must do, whatever the database under it.</summary>
public abstract class InboxContract<TStore, TDatabase> : StoreTest<TStore, TDatabase>
    where TStore : IRunStore, IEventInbox, IRunLeases, IAsyncDisposable
    where TDatabase : IStoreUnderTest<TStore>, new()
{
    [Fact]
    public async Task AddMessageAsync_SeveralMessages_ListedOldestFirstWithIncreasingIds()
    {
        await using var store = await Db.OpenAsync();
        var message = Message("m-1", """{"order":{"id":42,"lines":[1,2.5,"ünïcödé ✓"],"gift":null}}""");

        // 100 ns precision and a non-UTC offset: the instant must come back exactly.
        var received = new DateTimeOffset(2026, 3, 14, 16, 9, 26, TimeSpan.FromHours(1)).AddTicks(1_234_567);
        var first = await store.AddMessageAsync("orders", message, received, CancellationToken.None);
        var second = await store.AddMessageAsync("payments", Message("m-2"), received.AddSeconds(1), CancellationToken.None);
        var third = await store.AddMessageAsync("orders", Message("m-3"), received.AddSeconds(2), CancellationToken.None);

        Assert.True(first < second && second < third, $"ids {first}, {second}, {third} must increase");
        var listed = await store.ListMessagesAsync(CancellationToken.None);
        Assert.Equal([first, second, third], listed.Select(m => m.Id));
        Assert.Equal(["orders", "payments", "orders"], listed.Select(m => m.Channel));
        Assert.True(JsonNode.DeepEquals(message, listed[0].Message), "message differs");
        Assert.Equal(received, listed[0].ReceivedAt);
        Assert.Equal(received.UtcTicks, listed[0].ReceivedAt.UtcTicks);
    }

    [Fact]
    public async Task DeleteMessagesAsync_SomeIdsGoneAlready_DeletesTheOthersAndCountsThem()
    {
        await using var store = await Db.OpenAsync();
        var a = await store.AddMessageAsync("orders", Message("a"), T0, CancellationToken.None);
        var b = await store.AddMessageAsync("orders", Message("b"), T0, CancellationToken.None);
        var c = await store.AddMessageAsync("orders", Message("c"), T0, CancellationToken.None);

        var deleted = await store.DeleteMessagesAsync([a, c, c, c + 1000], CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal([b], (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task ListMessagesAsync_EmptyInbox_ReturnsEmpty()
    {
        await using var store = await Db.OpenAsync();

        Assert.Empty(await store.ListMessagesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_WithConsumed_DeletesThoseMessagesWithTheRunsEvents()
    {
        await using var store = await Db.OpenAsync();
        var a = await store.AddMessageAsync("orders", Message("a"), T0, CancellationToken.None);
        var b = await store.AddMessageAsync("orders", Message("b"), T0, CancellationToken.None);
        var c = await store.AddMessageAsync("orders", Message("c"), T0, CancellationToken.None);

        await store.SaveAsync(new RunChanges(NewRun("run-1"), [Event("run-1", 1, HistoryEventKind.RunStarted), Event("run-1", 2, HistoryEventKind.StepCompleted, "listen")], [a, c]), CancellationToken.None);

        Assert.Equal([b], (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(2, (await store.GetHistoryAsync("run-1", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveAsync_ConsumedIdAlreadyGone_IsNotAnError()
    {
        await using var store = await Db.OpenAsync();
        var id = await store.AddMessageAsync("orders", Message("a"), T0, CancellationToken.None);
        await store.SaveAsync(new RunChanges(NewRun("run-1"), [Event("run-1", 1, HistoryEventKind.RunStarted)], [id]), CancellationToken.None);

        // Consumed again (say, replayed after a crash), and an id that never existed.
        await store.SaveAsync(new RunChanges(NewRun("run-1"), [Event("run-1", 2, HistoryEventKind.StepCompleted, "listen")], [id, 12345]), CancellationToken.None);

        Assert.Empty(await store.ListMessagesAsync(CancellationToken.None));
        Assert.Equal(2, (await store.GetHistoryAsync("run-1", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveAsync_FailingSaveWithConsumed_KeepsItsMessageWhileBatchMatesDeleteTheirs()
    {
        await using var store = await Db.OpenAsync();
        await store.SaveAsync(new RunChanges(NewRun("bad"), [Event("bad", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);
        var kept = await store.AddMessageAsync("orders", Message("kept"), T0, CancellationToken.None);
        var goodIds = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            goodIds.Add(await store.AddMessageAsync("orders", Message($"good-{i}"), T0, CancellationToken.None));
        }

        // Queued together so that they are likely to share a batch: the batch rolls back and is retried save by save,
        // and only the failing save keeps its message (its deletion rolled back with its events).
        var good = goodIds
            .Select((id, i) => store.SaveAsync(new RunChanges(NewRun($"good-{i}"), [Event($"good-{i}", 1, HistoryEventKind.RunStarted)], [id]), CancellationToken.None).AsTask())
            .ToList();
        var duplicate = store.SaveAsync(new RunChanges(NewRun("bad") with { Status = RunStatus.Completed }, [Event("bad", 1, HistoryEventKind.RunCompleted)], [kept]), CancellationToken.None).AsTask();

        await Task.WhenAll(good);
        Db.AssertDuplicateKey(await Assert.ThrowsAnyAsync<Exception>(() => duplicate));

        Assert.Equal([kept], (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("bad", CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task AddMessageAsync_Reopen_MessagesSurviveAndIdsKeepIncreasing()
    {
        long first;
        long last;
        await using (var store = await Db.OpenAsync())
        {
            first = await store.AddMessageAsync("orders", Message("a"), T0, CancellationToken.None);
            last = await store.AddMessageAsync("orders", Message("b"), T0.AddSeconds(1), CancellationToken.None);

            // The newest message consumed: its id must still never come back.
            await store.SaveAsync(new RunChanges(NewRun("run-1"), [Event("run-1", 1, HistoryEventKind.RunStarted)], [last]), CancellationToken.None);
        }

        await using (var reopened = await Db.OpenAsync())
        {
            var message = Assert.Single(await reopened.ListMessagesAsync(CancellationToken.None));
            Assert.Equal(first, message.Id);
            Assert.Equal("a", message.Message["id"]?.GetValue<string>());
            Assert.Equal(T0, message.ReceivedAt);

            var next = await reopened.AddMessageAsync("orders", Message("c"), T0.AddSeconds(2), CancellationToken.None);
            Assert.True(next > last, $"id {next} reused or went back (last was {last})");
        }
    }

    [Fact]
    public async Task AddMessageAsync_ManyConcurrentCallers_AllStoredWithDistinctIds()
    {
        await using var store = await Db.OpenAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() =>
            store.AddMessageAsync($"channel-{i % 3}", Message($"m-{i}"), T0.AddMilliseconds(i), CancellationToken.None))));

        Assert.Equal(500, ids.Distinct().Count());
        Assert.Equal(ids.Order(), (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task AddMessageAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var store = await Db.OpenAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AddMessageAsync("orders", Message("late"), T0, CancellationToken.None));
    }
}
