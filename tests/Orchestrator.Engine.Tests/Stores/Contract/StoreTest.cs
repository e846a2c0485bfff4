using System.Text.Json.Nodes;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;

namespace Orchestrator.Tests.Stores;

/// <summary>A test class whose every test gets a fresh, empty store location (xunit makes a new instance per test).</summary>
public abstract class StoreTest<TStore, TDatabase> : IAsyncLifetime
    where TStore : IRunStore, IEventInbox, IRunLeases, IAsyncDisposable
    where TDatabase : IStoreUnderTest<TStore>, new()
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    protected TDatabase Db { get; } = new();

    public Task InitializeAsync() => Db.InitializeAsync();

    public Task DisposeAsync() => Db.DisposeAsync();

    protected static RunRecord NewRun(string id, DateTimeOffset? started = null) =>
        new(id, "orders", "1.0.0", RunStatus.Running, started ?? T0, null, JsonNode.Parse("""{"n":1}"""), null, null);

    protected static RunRecord Completed(RunRecord run) =>
        run with { Status = RunStatus.Completed, EndedAt = run.StartedAt.AddSeconds(1), Output = JsonNode.Parse("""{"ok":true}""") };

    protected static HistoryEvent Event(string runId, long sequence, HistoryEventKind kind, string? path = null) =>
        new(runId, sequence, T0.AddMilliseconds(sequence), kind, path, path is null ? 0 : 1, new JsonObject { ["seq"] = sequence });

    protected static JsonObject Message(string id, string dataJson = """{"n":1}""") => new()
    {
        ["id"] = id,
        ["type"] = "order.created",
        ["source"] = "tests",
        ["subject"] = null,
        ["time"] = "2026-03-14T15:09:26Z",
        ["datacontenttype"] = "application/json",
        ["data"] = JsonNode.Parse(dataJson),
    };

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
