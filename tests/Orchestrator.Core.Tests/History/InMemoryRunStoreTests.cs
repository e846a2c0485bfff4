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
    public async Task SaveAsync_DuplicateSequence_RejectsWholeSave()
    {
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("r", T0), [Event("r", 1)]), CancellationToken.None);

        var again = () => store.SaveAsync(new RunChanges(Run("r", T0) with { Status = RunStatus.Completed }, [Event("r", 2), Event("r", 1)]), CancellationToken.None).AsTask();
        var duplicate = () => store.SaveAsync(new RunChanges(Run("r", T0) with { Status = RunStatus.Completed }, [Event("r", 1), Event("r", 2)]), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<ArgumentException>(again);
        await Assert.ThrowsAsync<InvalidOperationException>(duplicate);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("r", CancellationToken.None))?.Status);
        Assert.Single(await store.GetHistoryAsync("r", CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_SavesOfOneRunOutOfOrder_HistoryInSequenceOrder()
    {
        // Two branches of a run may flush concurrently, so a later batch can arrive first.
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("r", T0), [Event("r", 4), Event("r", 5)]), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("r", T0), [Event("r", 1), Event("r", 3)]), CancellationToken.None);
        await store.SaveAsync(new RunChanges(Run("r", T0), [Event("r", 2)]), CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4, 5], (await store.GetHistoryAsync("r", CancellationToken.None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task SaveAsync_LaterSaveOfRun_UpdatesStateButKeepsFirstInputAndStart()
    {
        var store = new InMemoryRunStore();
        await store.SaveAsync(new RunChanges(Run("r", T0), []), CancellationToken.None);

        var later = Run("r", T0.AddDays(1)) with { Status = RunStatus.Completed, EndedAt = T0.AddSeconds(1), Input = JsonNode.Parse("""{"n":2}"""), Output = JsonNode.Parse("3") };
        await store.SaveAsync(new RunChanges(later, []), CancellationToken.None);

        var stored = await store.GetRunAsync("r", CancellationToken.None);
        Assert.Equal(RunStatus.Completed, stored?.Status);
        Assert.Equal(T0.AddSeconds(1), stored?.EndedAt);
        Assert.Equal("3", stored?.Output?.ToJsonString());
        Assert.Equal(T0, stored?.StartedAt);
        Assert.Equal("""{"n":1}""", stored?.Input?.ToJsonString());
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

    private static HistoryEvent Event(string runId, long sequence) =>
        new(runId, sequence, T0.AddMilliseconds(sequence), HistoryEventKind.StepStarted, "s", 1, null);

    private static RunRecord Run(string id, DateTimeOffset started) =>
        new(id, "wf", "1", RunStatus.Running, started, null, JsonNode.Parse("""{"n":1}"""), null, null);
}
