using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Engine;
using Orchestrator.Transport.RabbitMq.Events;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Triggers;
using Orchestrator.Transport.RabbitMq.Workers;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq;

/// <summary>
/// The distributed deployment in one object, for one role: an engine (dispatcher, replies, queue triggers, listen
/// channels, emitted events, run leases), a worker host (function queues), or both, all talking through RabbitMQ.
/// Dispose it to stop cleanly: runs waiting (in a listen, a wait, a retry delay) are suspended at once, triggers and
/// listen channels stop taking messages, runs and invocations in flight finish (or, after the drain timeout, runs are
/// suspended and invocations go back to their queues), the engine's leases are released so that the next engine
/// resumes its runs at once, then the connections close. Suspended runs stay running in the store.
/// </summary>
public sealed partial class RabbitMqRuntime : IAsyncDisposable
{
    private readonly List<IConnection> _connections = [];
    private readonly bool _ownsStore;
    private readonly IRunStore? _store;
    private readonly TransportLog _log;
    private readonly TimeProvider _time;
    private readonly InFlight _resumed = new();
    private readonly CancellationTokenSource _leasesStopping = new();
    private readonly CancellationTokenSource _resumingStopping = new();
    private WorkflowEngine? _engine;
    private InvocationBroker? _broker;
    private RabbitMqDispatcher? _dispatcher;
    private RabbitMqEventPublisher? _events;
    private RabbitMqWorkerHost? _worker;
    private QueueTriggerHost? _triggers;
    private ListenChannelHost? _listens;
    private Task? _leases;
    private int _disposed;
    private bool _started;

    private RabbitMqRuntime(RabbitMqRole role, RabbitMqOptions options, IRunStore? store, bool ownsStore, TransportLog log, TimeProvider time)
    {
        Role = role;
        Options = options;
        _store = store;
        _ownsStore = ownsStore;
        _log = log;
        _time = time;
    }

    /// <summary>This process's role.</summary>
    public RabbitMqRole Role { get; }

    /// <summary>The transport's settings.</summary>
    public RabbitMqOptions Options { get; }

    /// <summary>Starts and drives runs (engine roles only).</summary>
    /// <exception cref="InvalidOperationException">This is a worker.</exception>
    public WorkflowEngine Engine => _engine ?? throw new InvalidOperationException("a worker runs no workflows: start the runtime with the engine or all role");

    /// <summary>Matches replies to invocations (engine roles only).</summary>
    /// <exception cref="InvalidOperationException">This is a worker.</exception>
    public InvocationBroker Broker => _broker ?? throw new InvalidOperationException("a worker has no invocation broker");

    /// <summary>The run store (engine roles only).</summary>
    /// <exception cref="InvalidOperationException">This is a worker.</exception>
    public IRunStore Store => _store ?? throw new InvalidOperationException("a worker has no run store");

    /// <summary>Counters of each queue trigger, by queue name; empty when triggers are not consumed here.</summary>
    public IReadOnlyDictionary<string, TriggerStatistics> Triggers => _triggers?.Statistics ?? new Dictionary<string, TriggerStatistics>();

    /// <summary>Counters of each listen channel, by queue name; empty when no loaded workflow listens.</summary>
    public IReadOnlyDictionary<string, ListenStatistics> Listens => _listens?.Statistics ?? new Dictionary<string, ListenStatistics>();

    /// <summary>Invocations this process's worker is running now.</summary>
    public int RunningInvocations => _worker?.Running ?? 0;

    /// <summary>Prewarm hints this process's worker received for functions it hosts (tests, diagnostics).</summary>
    internal long PrewarmHints => _worker?.PrewarmHints ?? 0;

    /// <summary>Connects and starts the parts of <paramref name="role"/>.</summary>
    /// <param name="role">Engine, worker, or both.</param>
    /// <param name="options">Broker address and transport settings.</param>
    /// <param name="catalog">The loaded workflows (engine roles: sub-workflows, queue triggers, listen channels).</param>
    /// <param name="functions">The functions this process hosts (worker roles).</param>
    /// <param name="store">Where runs are committed (engine roles; null for a worker).</param>
    /// <param name="ownsStore">Dispose the store with the runtime.</param>
    /// <param name="consumeTriggers">Consume the workflows' queue triggers and take over the runs of engines that
    /// stopped or died (engine roles). <c>orchestrator serve</c> does; a one-off <c>orchestrator run</c> against a
    /// broker does not (it still consumes listen channels: its own run may listen).</param>
    /// <param name="time">The clock; default the system clock.</param>
    /// <param name="observer">Sees history events as they are recorded.</param>
    /// <param name="secrets">Reads secrets by name; default environment variables.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <exception cref="RabbitMQ.Client.Exceptions.BrokerUnreachableException">No broker answers at the address.</exception>
    /// <exception cref="ArgumentException">Two workflows trigger on one queue, trigger options are invalid, a queue is both a
    /// trigger and a listen channel, or workflows listen and the store keeps no inbox.</exception>
    public static async Task<RabbitMqRuntime> StartAsync(
        RabbitMqRole role,
        RabbitMqOptions options,
        WorkflowCatalog catalog,
        FunctionRegistry functions,
        IRunStore? store,
        bool ownsStore = false,
        bool consumeTriggers = true,
        TimeProvider? time = null,
        IRunObserver? observer = null,
        Func<string, string?>? secrets = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(functions);
        time ??= TimeProvider.System;
        var engineRole = role is RabbitMqRole.Engine or RabbitMqRole.All;
        if (engineRole && store is null)
        {
            throw new ArgumentException("an engine needs a run store", nameof(store));
        }

        var triggers = engineRole && consumeTriggers ? QueueTriggerHost.Find(catalog, options.TriggerOptions) : [];
        var listens = engineRole ? WorkflowEngine.ListenChannels(catalog) : [];
        if (triggers.FirstOrDefault(t => listens.Contains(t.Queue, StringComparer.Ordinal)) is { } shared)
        {
            // Two consumers of one queue would compete: each message would either start a run or reach a listen.
            throw new ArgumentException($"queue '{shared.Queue}' both triggers {shared.Workflow.Name} and is a listen channel; give each its own queue (or fan out with an exchange)");
        }

        if (listens.Count > 0 && store is not IEventInbox)
        {
            throw new ArgumentException($"workflows listen on {string.Join(", ", listens)}, but the run store keeps no inbox for their messages: use the SQLite store", nameof(store));
        }

        var log = new TransportLog(options.Log, time);
        var runtime = new RabbitMqRuntime(role, options, store, ownsStore, log, time);
        try
        {
            var name = $"{Environment.MachineName}:{Environment.ProcessId}";
            if (role is RabbitMqRole.Worker or RabbitMqRole.All)
            {
                // Workers first: in role all, the engine's first invocations then find their consumers ready.
                var connection = await runtime.ConnectAsync(options, $"orchestrator-worker {name}", cancellationToken).ConfigureAwait(false);
                runtime._worker = new RabbitMqWorkerHost(connection, functions, options, log, time);
                await runtime._worker.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            if (engineRole)
            {
                var connection = await runtime.ConnectAsync(options, $"orchestrator-engine {name}", cancellationToken).ConfigureAwait(false);
                runtime._dispatcher = await RabbitMqDispatcher.OpenAsync(connection, options, log, time, cancellationToken).ConfigureAwait(false);
                runtime._broker = new InvocationBroker(runtime._dispatcher);
                await runtime._dispatcher.StartAsync(connection, runtime._broker, cancellationToken).ConfigureAwait(false);
                runtime._events = await RabbitMqEventPublisher.OpenAsync(connection, options, log, time, cancellationToken).ConfigureAwait(false);
                var engine = runtime._engine = new WorkflowEngine(catalog, runtime._broker, store!, time, secrets, observer: observer, events: runtime._events);
                if (listens.Count > 0)
                {
                    // Listen channels get their own connection too: a flood of messages must not slow replies down.
                    var listenConnection = await runtime.ConnectAsync(options, $"orchestrator-listen {name}", cancellationToken).ConfigureAwait(false);
                    runtime._listens = new ListenChannelHost(listenConnection, engine.Events!, listens, options, log, time);
                    await runtime._listens.StartAsync(cancellationToken).ConfigureAwait(false);
                }

                if (consumeTriggers)
                {
                    // With the dispatcher, the worker (role all) and the listen channels ready: runs of engines that
                    // stopped or died go on here, from their history.
                    await runtime.ResumeExpiredRunsAsync(cancellationToken).ConfigureAwait(false);
                }

                if (triggers.Count > 0)
                {
                    // Triggers get their own connection: a flood of trigger messages must not slow replies down.
                    var triggerConnection = await runtime.ConnectAsync(options, $"orchestrator-triggers {name}", cancellationToken).ConfigureAwait(false);
                    runtime._triggers = new QueueTriggerHost(triggerConnection, engine, store!, triggers, runtime._dispatcher.Prewarm, options, log, time);
                    await runtime._triggers.StartAsync(cancellationToken).ConfigureAwait(false);
                }

                // Renews this engine's leases for as long as it runs; serve also takes over runs whose lease expires
                // later (their engine died after this one started).
                runtime._leases = Task.Run(() => runtime.KeepLeasesAsync(engine, resumeExpired: consumeTriggers, runtime._leasesStopping.Token), CancellationToken.None);
            }

            runtime._started = true;
            log.Write("runtime.started", $"role={role.ToString().ToLowerInvariant()} broker={RabbitMqAddress.Redact(options.Address)} prefix={options.Prefix} triggers={triggers.Count} listens={listens.Count} functions={(role == RabbitMqRole.Engine ? 0 : functions.Names.Count)}");
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// What <c>orchestrator run FILE --rabbitmq URL</c> needs: an engine and a worker in this process, talking through
    /// the broker at <paramref name="address"/> (so other workers on the same queues share the invocations), consuming
    /// no queue triggers (a one-off run must not take other runs' messages) but the listen channels of the loaded
    /// workflows (its own run may listen), taking over no other engine's runs, owning <paramref name="store"/>.
    /// </summary>
    public static Task<RabbitMqRuntime> StartForRunAsync(
        Uri address,
        WorkflowCatalog catalog,
        FunctionRegistry functions,
        IRunStore store,
        IRunObserver? observer = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(RabbitMqRole.All, new RabbitMqOptions { Address = address }, catalog, functions, store, ownsStore: true, consumeTriggers: false, observer: observer, cancellationToken: cancellationToken);

    private async Task<IConnection> ConnectAsync(RabbitMqOptions options, string name, CancellationToken cancellationToken)
    {
        var connection = await Connector.ConnectAsync(options.Address, name, cancellationToken).ConfigureAwait(false);
        _connections.Add(connection);
        return connection;
    }
}
