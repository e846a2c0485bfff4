using Orchestrator.Stores.Postgres;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Stores.Tests.Support;

/// <summary>A test class whose every test gets a fresh database (xunit makes a new instance per test).</summary>
public abstract class DatabaseTest : StoreTest<PostgresRunStore, TestDatabase>
{
    /// <summary>A run's owner and lease as the store wrote them.</summary>
    protected async Task<(string Owner, DateTimeOffset Until)> LeaseAsync(string runId)
    {
        var owner = (string?)await Db.ScalarAsync("SELECT owner FROM runs WHERE id = $1;", runId);
        Assert.True(owner is not null, $"no run '{runId}'");
        var until = (long)(await Db.ScalarAsync("SELECT lease_until FROM runs WHERE id = $1;", runId))!;
        return (owner, DateTimeOffset.UnixEpoch.AddTicks(until));
    }

    protected async Task AssertLeaseAsync(string runId, string owner, DateTimeOffset until)
    {
        var (actualOwner, actualUntil) = await LeaseAsync(runId);
        Assert.Equal(owner, actualOwner);
        Assert.Equal(until, actualUntil);
    }
}
