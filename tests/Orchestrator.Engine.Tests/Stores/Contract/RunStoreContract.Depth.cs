using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.History;
using Orchestrator.Core.History.Persistence;

namespace Orchestrator.Tests.Stores;

/// <summary>Deeply nested values: what a store keeps it reads back, and a row it cannot parse does not stop a read.</summary>
public abstract partial class RunStoreContract<TStore, TDatabase>
{
    private static JsonNode Nested(int depth)
    {
        JsonNode value = 1;
        for (var i = 0; i < depth; i++)
        {
            value = new JsonObject { ["a"] = value };
        }

        return value;
    }

    [Fact]
    public async Task SaveAsync_ValueAtMaximumDepthInsideHistoryEnvelope_ReadsBack()
    {
        // System.Text.Json parses 64 levels by default; a step result at the engine's limit sits one level deeper
        // still, inside {"output": …}.
        await using var store = await Db.OpenAsync();
        var value = Nested(JsonLimits.MaxDepth);
        var run = Completed(NewRun("run-1")) with { Output = value };
        HistoryEvent[] events = [new("run-1", 1, T0, HistoryEventKind.StepCompleted, "a", 1, new JsonObject { ["output"] = value.DeepClone() })];
        await store.SaveAsync(new RunChanges(run, events), CancellationToken.None);

        var listed = Assert.Single(await store.ListRunsAsync(10, CancellationToken.None));
        var history = await store.GetHistoryAsync("run-1", CancellationToken.None);

        Assert.True(JsonNode.DeepEquals(value, listed.Output));
        Assert.True(JsonNode.DeepEquals(value, history[0].Data?["output"]));
    }

    [Fact]
    public async Task ListRunsAsync_RowTooDeepToParse_ShowsPlaceholderAndKeepsListing()
    {
        // Versions before the limit wrote up to 1000 levels; such a row must not make the whole store unreadable.
        await using var store = await Db.OpenAsync();
        await store.SaveAsync(new RunChanges(Completed(NewRun("run-1")), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Completed(NewRun("run-2")), []), CancellationToken.None);
        // A literal rather than a parameter: PostgreSQL coerces a literal to its json column, not a text parameter.
        await Db.ScalarAsync($"UPDATE runs SET output = '{Nested(JsonLimits.MaxDocumentDepth + 1).ToJsonString()}' WHERE id = 'run-1';");

        var runs = await store.ListRunsAsync(10, CancellationToken.None);
        var shown = await store.GetRunAsync("run-1", CancellationToken.None);

        Assert.Equal(2, runs.Count);
        Assert.StartsWith(StoreEncoding.UnreadablePrefix, shown?.Output?.GetValue<string>(), StringComparison.Ordinal);
    }
}
