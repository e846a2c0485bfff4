using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;
using Orchestrator.Engine.Embedded;
using Orchestrator.Stores.Postgres;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>Where an Orchestrator target commits its runs.</summary>
internal enum OrchestratorStore
{
    /// <summary><see cref="SqliteRunStore"/> in a temp folder: durable.</summary>
    Sqlite,

    /// <summary><see cref="InMemoryRunStore"/>: the engine's cost without a disk.</summary>
    Memory,

    /// <summary>A store that keeps nothing (profiling only): the engine's cost without any store.</summary>
    Null,

    /// <summary><see cref="PostgresRunStore"/> on the server <c>$ORCHESTRATOR_POSTGRES</c> names: durable, shared.</summary>
    Postgres,
}

/// <summary>Orchestrator embedded: parser, catalog, function registry, store and <see cref="EmbeddedRuntime"/>.</summary>
internal sealed class OrchestratorTarget : IEngineTarget
{
    /// <summary>The benchmark workflow: three calls, each passing the previous result on.</summary>
    public const string Yaml = """
        document:
          name: bench
          version: 1.0.0
          summary: Three trivial C# functions, each passing its result to the next.
        do:
          - a:
              call: bench-add
              with:
                value: "{{ input.value }}"
          - b:
              call: bench-double
              with:
                value: "{{ a.value }}"
          - c:
              call: bench-add3
              with:
                value: "{{ b.value }}"
        """;

    private static int _files;

    private readonly EmbeddedRuntime _runtime;
    private readonly WorkflowDefinition _workflow;
    private readonly OrchestratorStore _store;

    private OrchestratorTarget(EmbeddedRuntime runtime, WorkflowDefinition workflow, OrchestratorStore store)
    {
        _runtime = runtime;
        _workflow = workflow;
        _store = store;
    }

    public static string StoreLabel(OrchestratorStore store) => store switch
    {
        OrchestratorStore.Sqlite => "sqlite",
        OrchestratorStore.Memory => "memory",
        OrchestratorStore.Postgres => "postgres",
        _ => "null",
    };

    public static EngineSpec Spec(OrchestratorStore store, string folder) => new(
        $"Orchestrator ({StoreLabel(store)})",
        store switch
        {
            OrchestratorStore.Sqlite => "Orchestrator embedded, SqliteRunStore (WAL, synchronous=NORMAL, group commit): every transition committed before the run waits",
            OrchestratorStore.Postgres => "Orchestrator embedded, PostgresRunStore ($ORCHESTRATOR_POSTGRES, group commit): every transition committed before the run waits",
            _ => "Orchestrator embedded, InMemoryRunStore: same engine and worker, no disk",
        },
        () => Task.FromResult<IEngineTarget>(Create(store, folder)));

    /// <summary>Builds a started runtime.</summary>
    /// <param name="store">Which store.</param>
    /// <param name="folder">Where SQLite files go.</param>
    /// <param name="wrapStore">Profiling: wraps the store.</param>
    /// <param name="wrapExecutor">Profiling: wraps each function's executor.</param>
    public static OrchestratorTarget Create(
        OrchestratorStore store,
        string folder,
        Func<IRunStore, IRunStore>? wrapStore = null,
        Func<IFunctionExecutor, IFunctionExecutor>? wrapExecutor = null)
    {
        var parsed = WorkflowParser.Parse(Yaml, "bench.yaml", _ => null);
        var workflow = parsed.Workflow
            ?? throw new InvalidOperationException("bench.yaml does not parse: " + string.Join("; ", parsed.Diagnostics));
        var catalog = new WorkflowCatalog();
        catalog.TryAdd(workflow);

        var plain = new FunctionRegistry()
            .AddFunction("bench-add", new BenchAdd())
            .AddFunction("bench-double", new BenchDouble())
            .AddFunction("bench-add3", new BenchAddThree());
        var registry = plain;
        if (wrapExecutor is not null)
        {
            registry = new FunctionRegistry();
            foreach (var name in plain.Names)
            {
                plain.TryGet(name, out var executor);
                registry.Add(wrapExecutor(executor!));
            }
        }

        var problems = WorkflowValidator.Validate(workflow, catalog, registry.Names);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("bench.yaml is not valid: " + string.Join("; ", problems));
        }

        IRunStore runStore = store switch
        {
            OrchestratorStore.Sqlite => new SqliteRunStore(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"runs-{Interlocked.Increment(ref _files)}.db"))),
            OrchestratorStore.Memory => new InMemoryRunStore(),
            OrchestratorStore.Postgres => PostgresRunStore.OpenAsync(PostgresUrl()).GetAwaiter().GetResult(),
            _ => new NullRunStore(),
        };
        if (wrapStore is not null)
        {
            runStore = wrapStore(runStore);
        }

        return new OrchestratorTarget(new EmbeddedRuntime(catalog, registry, runStore, ownsStore: true), workflow, store);
    }

    /// <summary>The server of the PostgreSQL target: <c>$ORCHESTRATOR_POSTGRES</c> (e.g. from <c>tests/postgres.sh start</c>).</summary>
    private static string PostgresUrl() =>
        Environment.GetEnvironmentVariable("ORCHESTRATOR_POSTGRES") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException("--store postgres needs a server: export ORCHESTRATOR_POSTGRES=\"$(tests/postgres.sh start)\"");

    public async Task RunAsync(int index)
    {
        var result = await _runtime.Engine.RunAsync(_workflow, new JsonObject { ["value"] = 1 }).ConfigureAwait(false);
        if (result.Status != RunStatus.Completed)
        {
            throw new InvalidOperationException($"run {result.RunId} ended {result.Status}: {result.Error?.Type} {result.Error?.Message}");
        }
    }

    public async Task VerifyAsync()
    {
        var result = await _runtime.Engine.RunAsync(_workflow, new JsonObject { ["value"] = 1 }).ConfigureAwait(false);
        var value = result.Output?["value"]?.GetValue<int>();
        if (result.Status != RunStatus.Completed || value != 7)
        {
            throw new InvalidOperationException($"Orchestrator: expected a completed run with value 7, got {result.Status} with {result.Output?.ToJsonString() ?? "no output"}");
        }

        var history = await _runtime.Store.GetHistoryAsync(result.RunId, CancellationToken.None).ConfigureAwait(false);
        if (_store != OrchestratorStore.Null && history.Count == 0)
        {
            throw new InvalidOperationException("Orchestrator: the run left no history in the store");
        }
    }

    public long? StepsExecuted => null;

    public ValueTask DisposeAsync() => _runtime.DisposeAsync();
}

/// <summary>Keeps nothing: what the engine costs when saving is free (profiling only; not durable, not readable).</summary>
internal sealed class NullRunStore : IRunStore
{
    public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RunRecord>>([]);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => Task.FromResult<RunRecord?>(null);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HistoryEvent>>([]);
}
