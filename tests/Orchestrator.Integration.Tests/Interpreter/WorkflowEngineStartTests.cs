using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Engine.Embedded;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Integration.Tests.Interpreter;

/// <summary>
/// <see cref="WorkflowEngine.StartAsync"/> and <see cref="InputValidator"/>, which queue triggers build on
/// (in-process, no broker needed).
/// </summary>
public sealed class WorkflowEngineStartTests
{
    private const string Yaml = """
        document: { name: started, version: 1.0.0 }
        input:
          schema: { type: object, required: [n], properties: { n: { type: integer } } }
        do:
          - wait: { call: gate, with: { n: "{{ input.n }}" } }
        """;

    [Fact]
    public async Task StartAsync_ReturnsOnceTheFirstCommitIsStored_WhileTheRunGoesOn()
    {
        var (catalog, workflow) = Workflows.Parse(Yaml);
        var gate = new GateFunction("done");
        var store = new InMemoryRunStore();
        await using var runtime = new EmbeddedRuntime(catalog, new FunctionRegistry().AddFunction("gate", gate), store);

        var started = await runtime.Engine.StartAsync(workflow, new JsonObject { ["n"] = 1 }, runId: "0123456789abcdef0123456789abcdef");

        Assert.Equal("0123456789abcdef0123456789abcdef", started.RunId);
        var stored = await store.GetRunAsync(started.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Running, stored!.Status);
        Assert.False(started.Completion.IsCompleted);

        gate.Release.TrySetResult();
        var result = await started.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(started.RunId, result.RunId);
    }

    [Fact]
    public async Task StartAsync_StoreRefusesTheFirstCommit_Throws()
    {
        var (catalog, workflow) = Workflows.Parse(Yaml);
        await using var runtime = new EmbeddedRuntime(catalog, new FunctionRegistry().AddFunction("gate", new GateFunction("done")), new RefusingStore());

        await Assert.ThrowsAsync<IOException>(() => runtime.Engine.StartAsync(workflow, new JsonObject { ["n"] = 1 }));
    }

    [Fact]
    public void InputValidator_SaysWhatARunWouldFailWith()
    {
        var (_, workflow) = Workflows.Parse(Yaml);

        Assert.Null(InputValidator.Validate(workflow, new JsonObject { ["n"] = 1 }));
        var error = InputValidator.Validate(workflow, new JsonObject { ["n"] = "one" });
        Assert.Equal("validation", error!.Type);
        Assert.Contains("input.n", error.Message, StringComparison.Ordinal);
        Assert.False(error.Retryable);
    }

    private sealed class RefusingStore : IRunStore
    {
        public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken) => ValueTask.FromException(new IOException("disk full"));

        public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<RunRecord>>([]);

        public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => Task.FromResult<RunRecord?>(null);

        public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<HistoryEvent>>([]);
    }
}
