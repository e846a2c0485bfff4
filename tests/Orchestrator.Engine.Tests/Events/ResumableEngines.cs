using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Engine.Embedded;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Examples;
using Orchestrator.Functions;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Engine.Tests.Events;

/// <summary>
/// Engines that share one in-memory store, as successive engine processes share a database: the first is stopped
/// (its runs suspended), the next takes the runs up. A <c>count</c> function records every invocation it serves;
/// <c>flaky</c> is the example function.
/// </summary>
internal sealed class ResumableEngines : IAsyncDisposable
{
    private readonly List<EmbeddedRuntime> _runtimes = [];

    public ResumableEngines(bool fakeTime = false, params string[] workflows)
    {
        Time = fakeTime ? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) : null;
        foreach (var yaml in workflows)
        {
            Catalog.TryAdd(TestWorkflows.Parse(yaml));
        }
    }

    public FakeTimeProvider? Time { get; }

    public WorkflowCatalog Catalog { get; } = new();

    public InMemoryRunStore Store { get; } = new();

    /// <summary>Steps served by <c>count</c>, in order, across all engines.</summary>
    public ConcurrentQueue<string> Counted { get; } = new();

    public WorkflowDefinition Workflow(string name) => Catalog.Find(name, null)!;

    /// <summary>A new engine process on the shared store.</summary>
    public EmbeddedRuntime Start()
    {
        var time = (TimeProvider?)Time ?? TimeProvider.System;
        var functions = new FunctionRegistry().AddFunction("count", new CountFunction(Counted), time).AddFunction("flaky", new Flaky(), time);
        var runtime = new EmbeddedRuntime(Catalog, functions, Store, time: time, secrets: _ => null);
        _runtimes.Add(runtime);
        return runtime;
    }

    /// <summary>Waits (real clock, briefly) until some run has recorded a matching event.</summary>
    public async Task WaitForAsync(Func<HistoryEvent, bool> match, int count = 1)
    {
        for (var i = 0; i < 2_000; i++)
        {
            var found = 0;
            foreach (var run in await Store.ListRunsAsync(100, CancellationToken.None))
            {
                found += (await Store.GetHistoryAsync(run.Id, CancellationToken.None)).Count(match);
            }

            if (found >= count)
            {
                await Task.Delay(20);
                return;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("the expected history event was never recorded");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runtime in _runtimes)
        {
            runtime.Engine.SuspendAllRuns();
            await runtime.DisposeAsync();
        }
    }

    private sealed class CountFunction(ConcurrentQueue<string> counted) : IFunction<JsonObject, JsonObject>
    {
        public Task<JsonObject> InvokeAsync(JsonObject input, FunctionContext context, CancellationToken cancellationToken)
        {
            counted.Enqueue(context.Step);
            return Task.FromResult(new JsonObject { ["step"] = context.Step, ["input"] = input.DeepClone() });
        }
    }
}
