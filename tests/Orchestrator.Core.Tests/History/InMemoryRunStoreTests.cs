using System.Text.Json.Nodes;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Tests.History;

public sealed class InMemoryRunStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetRunAsync_PrefixLookup_MatchesTheSqliteStoreRules()
    {
        var store = new InMemoryRunStore();
        foreach (var id in new[] { "abc", "abcd", "abce", "3f2a9c" })
        {
            await store.SaveAsync(new RunChanges(Run(id, T0), []), CancellationToken.None);
        }

        Assert.Equal("3f2a9c", (await store.GetRunAsync("3f", CancellationToken.None))?.Id);
        Assert.Equal("abc", (await store.GetRunAsync("abc", CancellationToken.None))?.Id);
        Assert.Null(await store.GetRunAsync("zz", CancellationToken.None));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetRunAsync("ab", CancellationToken.None));
        Assert.Equal("run id prefix 'ab' is ambiguous", error.Message);
    }

    [Fact]
    public async Task ListRunsAsync_SeveralRuns_NewestFirstUpToLimit()
    {
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("middle", T0.AddMinutes(1)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("oldest", T0), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("newest", T0.AddMinutes(2)), []), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("newest-too", T0.AddMinutes(2)), []), CancellationToken.None);

        Assert.Equal(["newest-too", "newest", "middle", "oldest"], (await store.ListRunsAsync(10, CancellationToken.None)).Select(r => r.Id));
        Assert.Equal(2, (await store.ListRunsAsync(2, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveAsync_ConcurrentSavesOfManyRuns_KeepsEveryRunAndEvent()
    {
        var store = new InMemoryRunStore();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var id = $"run-{i}";
            for (var seq = 1; seq <= 5; seq++)
            {
                await store.SaveAsync(new RunChanges(Run(id, T0), [new HistoryEvent(id, seq, T0, HistoryEventKind.StepStarted, "s", 1, null)]), CancellationToken.None);
            }
        })));

        Assert.Equal(200, store.RunCount);
        Assert.Equal([1L, 2, 3, 4, 5], (await store.GetHistoryAsync("run-7", CancellationToken.None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task SaveAsync_SequenceNotAfterLast_RejectsWholeSave()
    {
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("r", T0), [new HistoryEvent("r", 1, T0, HistoryEventKind.RunStarted, null, 0, null)]), CancellationToken.None);

        var again = () => store.SaveAsync(
            new RunChanges(Run("r", T0) with { Status = RunStatus.Completed }, [new HistoryEvent("r", 1, T0, HistoryEventKind.RunCompleted, null, 0, null)]),
            CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<ArgumentException>(again);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("r", CancellationToken.None))?.Status);
        Assert.Single(await store.GetHistoryAsync("r", CancellationToken.None));
    }

    [Fact]
    public async Task GetRunAsync_ReaderChangesReturnedJson_StoredRunUnchanged()
    {
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("r", T0), []), CancellationToken.None);

        var first = await store.GetRunAsync("r", CancellationToken.None);
        first!.Input!["n"] = 99;

        Assert.Equal("""{"n":1}""", (await store.GetRunAsync("r", CancellationToken.None))?.Input?.ToJsonString());
    }

    private static RunRecord Run(string id, DateTimeOffset started) =>
        new(id, "wf", "1", RunStatus.Running, started, null, JsonNode.Parse("""{"n":1}"""), null, null);
}
