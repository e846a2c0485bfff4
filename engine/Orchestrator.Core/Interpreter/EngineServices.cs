using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>What every run of an engine shares: the clock, the store, the function broker, the loaded workflows.</summary>
/// <param name="Catalog">The loaded workflows.</param>
/// <param name="Broker">Sends invocations.</param>
/// <param name="Store">Where runs are committed.</param>
/// <param name="Time">The clock.</param>
/// <param name="Secrets">Reads a secret by name.</param>
/// <param name="Random">Jitter source.</param>
/// <param name="Observer">Sees events as they are recorded.</param>
/// <param name="Events">Where listens wait for messages; null when the store keeps no inbox.</param>
/// <param name="Publisher">Where emits go; null when there is nowhere.</param>
/// <param name="Suspension">Tells runs to stop where they are and stay resumable (the engine is stopping).</param>
internal sealed record EngineServices(
    WorkflowCatalog Catalog,
    InvocationBroker Broker,
    IRunStore Store,
    TimeProvider Time,
    Func<string, string?> Secrets,
    Func<double> Random,
    IRunObserver? Observer,
    EventHub? Events,
    IEventPublisher? Publisher,
    RunSuspension Suspension);
