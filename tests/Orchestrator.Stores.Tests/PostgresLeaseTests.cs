using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Stores.Tests.Support;

namespace Orchestrator.Stores.Tests;

public sealed class PostgresLeaseTests : DatabaseTest
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OpenAsync_NoOptions_RandomOwnerPerStoreAndSixtySecondLease()
    {
        await using var first = await Db.OpenAsync();
        await using var second = await Db.OpenAsync();

        Assert.False(string.IsNullOrWhiteSpace(first.Owner));
        Assert.NotEqual(first.Owner, second.Owner);
        Assert.Equal(TimeSpan.FromSeconds(60), first.LeaseDuration);
    }

    [Fact]
    public async Task OpenAsync_LeaseNotPositive_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Db.OpenAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task SaveAsync_NewRun_StampsOwnerAndLeaseFromItsStart_LaterSavesLeaveThem()
    {
        await using var store = await Db.OpenAsync(Lease, "engine-a");
        var run = NewRun("run-1");
        await store.SaveAsync(new RunChanges(run, [Event("run-1", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);

        await AssertLeaseAsync("run-1", "engine-a", T0 + Lease);

        // A later save (even with a different start, which the store ignores) does not move the lease.
        await store.SaveAsync(new RunChanges(run with { StartedAt = T0.AddHours(1) }, [Event("run-1", 2, HistoryEventKind.StepStarted, "a")]), CancellationToken.None);
        await AssertLeaseAsync("run-1", "engine-a", T0 + Lease);
    }

    [Fact]
    public async Task RenewLeasesAsync_RenewsOnlyThisOwnersRunningRuns()
    {
        await using var a = await Db.OpenAsync(Lease, "engine-a");
        await using var b = await Db.OpenAsync(Lease, "engine-b");
        await a.SaveAsync(new RunChanges(NewRun("a-running"), []), CancellationToken.None);
        await a.SaveAsync(new RunChanges(Completed(NewRun("a-done")), []), CancellationToken.None);
        await b.SaveAsync(new RunChanges(NewRun("b-running"), []), CancellationToken.None);

        var until = T0.AddMinutes(5).AddTicks(7);
        await a.RenewLeasesAsync(until, CancellationToken.None);

        await AssertLeaseAsync("a-running", "engine-a", until);
        await AssertLeaseAsync("a-done", "engine-a", T0 + Lease);
        await AssertLeaseAsync("b-running", "engine-b", T0 + Lease);
    }

    [Fact]
    public async Task RenewLeasesAsync_AfterSavesStillQueued_ReachesTheirRuns()
    {
        // The renewal is queued behind the saves, so it renews (or, as when an engine stops, ends) their leases too.
        await using var store = await Db.OpenAsync(Lease, "engine-a");
        var saves = Enumerable.Range(0, 100).Select(i => store.SaveAsync(new RunChanges(NewRun($"run-{i}"), []), CancellationToken.None).AsTask()).ToList();
        var released = T0.AddTicks(-1);

        await store.RenewLeasesAsync(released, CancellationToken.None);
        await Task.WhenAll(saves);

        await AssertLeaseAsync("run-99", "engine-a", released);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_TwoStores_SecondClaimsOnlyAfterTheFirstsLeaseEnded()
    {
        await using var a = await Db.OpenAsync(Lease, "engine-a");
        await using var b = await Db.OpenAsync(Lease, "engine-b");
        var run = NewRun("orphan") with { Input = JsonNode.Parse("""{"order":{"id":42}}""") };
        await a.SaveAsync(new RunChanges(run, [Event("orphan", 1, HistoryEventKind.RunStarted)]), CancellationToken.None);
        await a.SaveAsync(new RunChanges(Completed(NewRun("finished", T0.AddSeconds(-600))), []), CancellationToken.None);

        // Still held: before the lease ends, and at its very end (a lease that ends at 'now' has not ended before it).
        Assert.Empty(await b.ClaimExpiredRunsAsync(T0.AddSeconds(10), T0.AddSeconds(70), CancellationToken.None));
        Assert.Empty(await b.ClaimExpiredRunsAsync(T0 + Lease, T0.AddSeconds(90), CancellationToken.None));
        await AssertLeaseAsync("orphan", "engine-a", T0 + Lease);

        var now = T0 + Lease + TimeSpan.FromTicks(1);
        var taken = Assert.Single(await b.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None));

        Assert.Equal("orphan", taken.Id);
        Assert.Equal(RunStatus.Running, taken.Status);
        Assert.Equal(T0, taken.StartedAt);
        Assert.True(JsonNode.DeepEquals(run.Input, taken.Input), "input differs");
        await AssertLeaseAsync("orphan", "engine-b", now + Lease);

        // Claimed once: neither store gets it again while b's lease holds, and a's renewals no longer reach it.
        Assert.Empty(await a.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None));
        Assert.Empty(await b.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None));
        await a.RenewLeasesAsync(now.AddHours(1), CancellationToken.None);
        await AssertLeaseAsync("orphan", "engine-b", now + Lease);

        // A late save from the old owner does not take the run back.
        await a.SaveAsync(new RunChanges(run, [Event("orphan", 2, HistoryEventKind.StepStarted, "a")]), CancellationToken.None);
        await AssertLeaseAsync("orphan", "engine-b", now + Lease);

        // Completed runs are never claimed, however old their lease.
        var later = await b.ClaimExpiredRunsAsync(now.AddDays(1), now.AddDays(2), CancellationToken.None);
        Assert.Equal(["orphan"], later.Select(r => r.Id));
        await AssertLeaseAsync("finished", "engine-a", T0.AddSeconds(-600) + Lease);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_SeveralExpiredRuns_OldestStartFirst()
    {
        await using (var a = await Db.OpenAsync(Lease, "engine-a"))
        {
            await a.SaveAsync(new RunChanges(NewRun("middle", T0.AddSeconds(1)), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(NewRun("newest", T0.AddSeconds(2)), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(NewRun("oldest", T0), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(Completed(NewRun("done", T0.AddSeconds(-1))), []), CancellationToken.None);
            await a.SaveAsync(new RunChanges(NewRun("fresh", T0.AddHours(1)), []), CancellationToken.None);
        }

        await using var b = await Db.OpenAsync(Lease, "engine-b");
        var claimed = await b.ClaimExpiredRunsAsync(T0.AddMinutes(1), T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal(["oldest", "middle", "newest"], claimed.Select(r => r.Id));
        await AssertLeaseAsync("fresh", "engine-a", T0.AddHours(1) + Lease);
    }

    [Fact]
    public async Task ClaimExpiredRunsAsync_FourEnginesClaimingAtOnce_EachRunClaimedOnce()
    {
        const int Runs = 2000;
        await using (var dead = await Db.OpenAsync(Lease, "engine-dead"))
        {
            await Task.WhenAll(Enumerable.Range(0, Runs).Select(i =>
                dead.SaveAsync(new RunChanges(NewRun($"run-{i:D4}", T0.AddMilliseconds(i)), []), CancellationToken.None).AsTask()));
        }

        var engines = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Db.OpenAsync(Lease, $"engine-{i}")));
        try
        {
            // Each engine claims in a loop until nothing is left, all four at once: SKIP LOCKED lets them share the
            // expired runs without waiting for each other, and no run may come out twice.
            var now = T0.AddMinutes(10);
            var claims = await Task.WhenAll(engines.Select(engine => Task.Run(async () =>
            {
                var mine = new List<string>();
                for (var round = 0; round < 3; round++)
                {
                    mine.AddRange((await engine.ClaimExpiredRunsAsync(now, now + Lease, CancellationToken.None)).Select(r => r.Id));
                }

                return mine;
            })));

            var ids = claims.SelectMany(c => c).ToList();
            Assert.Equal(Runs, ids.Count);
            Assert.Equal(Runs, ids.Distinct().Count());
            var owners = (long)(await Db.ScalarAsync("SELECT count(*) FROM runs WHERE owner = 'engine-dead';"))!;
            Assert.Equal(0, owners);
            for (var i = 0; i < engines.Length; i++)
            {
                var owned = (long)(await Db.ScalarAsync("SELECT count(*) FROM runs WHERE owner = $1;", $"engine-{i}"))!;
                Assert.Equal(claims[i].Count, owned);
            }
        }
        finally
        {
            foreach (var engine in engines)
            {
                await engine.DisposeAsync();
            }
        }
    }
}
