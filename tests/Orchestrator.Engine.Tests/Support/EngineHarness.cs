using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Engine.Embedded;
using Orchestrator.Examples;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Engine.Tests.Support;

/// <summary>
/// An embedded engine for tests: in-memory store, the example functions plus <see cref="Probe"/> functions,
/// and optionally a fake clock that tests advance by hand (no sleeping for timers).
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    private readonly EmbeddedRuntime _runtime;

    public EngineHarness(bool fakeTime = false, IEnumerable<WorkflowDefinition>? workflows = null, Func<string, string?>? secrets = null)
    {
        Time = fakeTime ? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) : null;
        var time = (TimeProvider?)Time ?? TimeProvider.System;
        Functions = new FunctionRegistry()
            .AddAssembly(typeof(ExampleFunctions).Assembly, time)
            .AddFunction("block", Probe.Block, time)
            .AddFunction("track", Probe.Track, time);
        foreach (var workflow in workflows ?? [])
        {
            Catalog.TryAdd(workflow);
        }

        _runtime = new EmbeddedRuntime(Catalog, Functions, Store, time: time, secrets: secrets ?? (_ => null));
    }

    public FakeTimeProvider? Time { get; }

    public Probe Probe { get; } = new();

    public FunctionRegistry Functions { get; }

    public WorkflowCatalog Catalog { get; } = new();

    public InMemoryRunStore Store { get; } = new();

    public WorkflowEngine Engine => _runtime.Engine;

    public Task<RunResult> RunAsync(string yaml, string? input = null) =>
        RunAsync(TestWorkflows.Parse(yaml), input);

    public Task<RunResult> RunAsync(WorkflowDefinition workflow, string? input = null) =>
        Engine.RunAsync(workflow, input is null ? new JsonObject() : JsonNode.Parse(input));

    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string runId) =>
        await Store.GetHistoryAsync(runId, CancellationToken.None);

    /// <summary>Waits (on the real clock, briefly) until the running run has recorded a matching event.</summary>
    public async Task WaitForAsync(Func<HistoryEvent, bool> match, int count = 1)
    {
        for (var i = 0; i < 2_000; i++)
        {
            var runs = await Store.ListRunsAsync(100, CancellationToken.None);
            var events = new List<HistoryEvent>();
            foreach (var run in runs)
            {
                events.AddRange(await Store.GetHistoryAsync(run.Id, CancellationToken.None));
            }

            if (events.Count(match) >= count)
            {
                // Let the run reach its next await (e.g. register its timer) before the test moves the clock.
                await Task.Delay(20);
                return;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("the expected history event was never recorded");
    }

    public ValueTask DisposeAsync() => _runtime.DisposeAsync();
}
