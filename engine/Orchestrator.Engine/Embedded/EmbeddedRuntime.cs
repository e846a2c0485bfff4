using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Workers.Hosting;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Engine.Embedded;

/// <summary>
/// The embedded deployment in one object: engine, in-process dispatcher and worker host in one process,
/// with the store of the caller's choice. Dispose it to stop the worker loop and flush the store.
/// </summary>
public sealed class EmbeddedRuntime : IAsyncDisposable
{
    private readonly InProcessDispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _workerLoop;
    private readonly Task _leases;
    private readonly bool _ownsStore;

    /// <summary>Starts the worker loop and builds the engine.</summary>
    /// <param name="catalog">The loaded workflows.</param>
    /// <param name="functions">The functions this process hosts.</param>
    /// <param name="store">Where runs are committed.</param>
    /// <param name="ownsStore">Dispose the store with the runtime.</param>
    /// <param name="time">The clock; default the system clock.</param>
    /// <param name="observer">Sees history events as they are recorded.</param>
    /// <param name="secrets">Reads secrets by name; default environment variables.</param>
    public EmbeddedRuntime(
        WorkflowCatalog catalog,
        FunctionRegistry functions,
        IRunStore store,
        bool ownsStore = false,
        TimeProvider? time = null,
        IRunObserver? observer = null,
        Func<string, string?>? secrets = null)
    {
        time ??= TimeProvider.System;
        Store = store;
        _ownsStore = ownsStore;
        var host = new WorkerHost(functions, time);
        _dispatcher = new InProcessDispatcher(host);
        Broker = new InvocationBroker(_dispatcher);
        Engine = new WorkflowEngine(catalog, Broker, store, time, secrets, observer: observer);
        _workerLoop = host.ExecuteAsync(_dispatcher.Invocations, Broker, _stopping.Token);

        // Runs that outlast a lease keep it renewed, so that no other engine takes them up while they run here.
        _leases = Engine.KeepLeasesAsync(resumeExpired: false, _stopping.Token);
    }

    /// <summary>Starts and drives runs.</summary>
    public WorkflowEngine Engine { get; }

    /// <summary>Matches replies to invocations.</summary>
    public InvocationBroker Broker { get; }

    /// <summary>The run store.</summary>
    public IRunStore Store { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _dispatcher.Complete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _workerLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected way out of the loop.
        }

        await _leases.ConfigureAwait(false);

        _stopping.Dispose();
        Engine.Dispose();
        if (_ownsStore && Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }
}
