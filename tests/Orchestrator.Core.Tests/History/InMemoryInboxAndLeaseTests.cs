using System.Text.Json.Nodes;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Tests.History;

public sealed class InMemoryInboxAndLeaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddMessageAsync_SeveralMessages_ListedOldestFirstWithIncreasingIds()
    {
        var store = new InMemoryRunStore();
        var message = Message("a");

        var first = await store.AddMessageAsync("orders", message, T0, CancellationToken.None);
        var second = await store.AddMessageAsync("payments", Message("b"), T0.AddSeconds(1), CancellationToken.None);

        Assert.True(first < second);
        var listed = await store.ListMessagesAsync(CancellationToken.None);
        Assert.Equal([first, second], listed.Select(m => m.Id));
        Assert.Equal(["orders", "payments"], listed.Select(m => m.Channel));
        Assert.Equal(T0, listed[0].ReceivedAt);
        Assert.True(JsonNode.DeepEquals(message, listed[0].Message));

        // Reads are copies, as from a store that parses from disk.
        listed[0].Message["id"] = "changed";
        Assert.Equal("a", (await store.ListMessagesAsync(CancellationToken.None))[0].Message["id"]?.GetValue<string>());
    }

    [Fact]
    public async Task SaveAsync_WithConsumed_RemovesThoseMessages_IdsNeverReused()
    {
        var store = new InMemoryRunStore();
        var a = await store.AddMessageAsync("orders", Message("a"), T0, CancellationToken.None);
        var b = await store.AddMessageAsync("orders", Message("b"), T0, CancellationToken.None);

        // An id already gone (or never stored) is no error.
        await store.SaveAsync(new RunChanges(Run("r"), [Event("r", 1)], [b, 999]), CancellationToken.None);

        Assert.Equal([a], (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
        Assert.Single(await store.GetHistoryAsync("r", CancellationToken.None));
        var next = await store.AddMessageAsync("orders", Message("c"), T0, CancellationToken.None);
        Assert.True(next > b);
    }

    [Fact]
    public async Task SaveAsync_RejectedSaveWithConsumed_LeavesTheMessage()
    {
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("r"), [Event("r", 1)]), CancellationToken.None);
        var id = await store.AddMessageAsync("orders", Message("a"), T0, CancellationToken.None);

        var duplicate = () => store.SaveAsync(new RunChanges(Run("r"), [Event("r", 1)], [id]), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<InvalidOperationException>(duplicate);
        Assert.Equal([id], (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task AddMessageAsync_ConcurrentCallers_DistinctIdsAllListed()
    {
        var store = new InMemoryRunStore();

        var ids = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() =>
            store.AddMessageAsync("orders", Message($"m-{i}"), T0, CancellationToken.None))));

        Assert.Equal(500, ids.Distinct().Count());
        Assert.Equal(ids.Order(), (await store.ListMessagesAsync(CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public void Constructor_NoOptions_RandomOwnerAndSixtySecondLease()
    {
        var first = new InMemoryRunStore();
        var second = new InMemoryRunStore();

        Assert.False(string.IsNullOrWhiteSpace(first.Owner));
        Assert.NotEqual(first.Owner, second.Owner);
        Assert.Equal(TimeSpan.FromSeconds(60), first.LeaseDuration);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryRunStore(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task SaveAsync_NewRun_StampsOwnerAndLeaseFromItsStart_LaterSavesLeaveThem()
    {
        var store = new InMemoryRunStore(Lease, "engine-a");
        await store.SaveAsync(new RunChanges(Run("r"), [Event("r", 1)]), CancellationToken.None);
        AssertLease(store, "r", "engine-a", T0 + Lease);

        store.SetLease("r", "engine-b", T0.AddHours(1));
        await store.SaveAsync(new RunChanges(Run("r") with { StartedAt = T0.AddDays(1) }, [Event("r", 2)]), CancellationToken.None);

        AssertLease(store, "r", "engine-b", T0.AddHours(1));
    }

    [Fact]
    public async Task RenewLeasesAsync_RenewsOnlyThisOwnersRunningRuns()
    {
        var store = new InMemoryRunStore(Lease, "engine-a");
        await store.SaveAsync(new RunChanges(Run("mine"), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Completed(Run("done")), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("theirs"), []), CancellationToken.None);
        store.SetLease("theirs", "engine-b", T0 + Lease);

        await store.RenewLeasesAsync(T0.AddMinutes(5), CancellationToken.None);

        AssertLease(store, "mine", "engine-a", T0.AddMinutes(5));
        AssertLease(store, "done", "engine-a", T0 + Lease);
        AssertLease(store, "theirs", "engine-b", T0 + Lease);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_RunsOfAnotherOwner_ClaimedOnlyAfterTheirLeaseEnded()
    {
        var store = new InMemoryRunStore(Lease, "engine-b");
        await store.SaveAsync(new RunChanges(Run("middle", T0.AddSeconds(1)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("oldest", T0), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Completed(Run("done", T0.AddSeconds(-100))), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("legacy", T0.AddSeconds(2)), []), CancellationToken.None);
        store.SetLease("middle", "engine-a", T0 + Lease);
        store.SetLease("oldest", "engine-a", T0 + Lease);
        store.SetLease("done", "engine-a", T0);
        store.SetLease("legacy", "engine-a", null);

        // A lease that ends at 'now' has not ended before it; none (a run from an old file) has always ended.
        var early = await store.ClaimExpiredRunsAsync(T0 + Lease, T0.AddMinutes(1), CancellationToken.None);
        Assert.Equal(["legacy"], early.Select(r => r.Id));

        var now = T0 + Lease + TimeSpan.FromTicks(1);
        var claimed = await store.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None);

        Assert.Equal(["oldest", "middle"], claimed.Select(r => r.Id));
        Assert.Equal(1, claimed[0].Input?["n"]?.GetValue<int>());
        AssertLease(store, "oldest", "engine-b", now + Lease);
        AssertLease(store, "done", "engine-a", T0);
        Assert.Empty(await store.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None));
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_ConcurrentClaims_EachRunClaimedOnce()
    {
        var store = new InMemoryRunStore(Lease, "engine-a");
        for (var i = 0; i < 200; i++)
        {
            await store.SaveAsync(new RunChanges(Run($"r{i}", T0.AddMilliseconds(i)), []), CancellationToken.None);
        }

        var now = T0.AddMinutes(10);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None))));

        var ids = claims.SelectMany(c => c.Select(r => r.Id)).ToList();
        Assert.Equal(200, ids.Count);
        Assert.Equal(200, ids.Distinct().Count());
    }

    private static void AssertLease(InMemoryRunStore store, string runId, string owner, DateTimeOffset? until)
    {
        var lease = store.GetLease(runId);
        Assert.NotNull(lease);
        Assert.Equal(owner, lease.Value.Owner);
        Assert.Equal(until, lease.Value.Until);
    }

    private static JsonObject Message(string id) => new()
    {
        ["id"] = id,
        ["type"] = "order.created",
        ["source"] = "tests",
        ["data"] = new JsonObject { ["n"] = 1 },
    };

    private static RunRecord Run(string id, DateTimeOffset? started = null) =>
        new(id, "w", "1.0.0", RunStatus.Running, started ?? T0, null, JsonNode.Parse("""{"n":1}"""), null, null);

    private static RunRecord Completed(RunRecord run) =>
        run with { Status = RunStatus.Completed, EndedAt = run.StartedAt.AddSeconds(1) };

    private static HistoryEvent Event(string runId, long sequence) =>
        new(runId, sequence, T0, HistoryEventKind.StepStarted, "s", 1, null);
}
