using System.Text.Json.Nodes;
using Orchestrator.Core.History;

namespace Orchestrator.Stores.Tests.Support;

/// <summary>A test class whose every test gets a fresh database (xunit makes a new instance per test).</summary>
public abstract class DatabaseTest : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    protected TestDatabase Db { get; } = new();

    public Task InitializeAsync() => Db.InitializeAsync();

    public Task DisposeAsync() => Db.DisposeAsync();

    protected static RunRecord NewRun(string id, DateTimeOffset? started = null) =>
        new(id, "orders", "1.0.0", RunStatus.Running, started ?? T0, null, JsonNode.Parse("""{"n":1}"""), null, null);

    protected static RunRecord Completed(RunRecord run) =>
        run with { Status = RunStatus.Completed, EndedAt = run.StartedAt.AddSeconds(1), Output = JsonNode.Parse("""{"ok":true}""") };

    protected static HistoryEvent Event(string runId, long sequence, HistoryEventKind kind, string? path = null) =>
        new(runId, sequence, T0.AddMilliseconds(sequence), kind, path, path is null ? 0 : 1, new JsonObject { ["seq"] = sequence });

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

    protected static void AssertSameRun(RunRecord expected, RunRecord actual)
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
