using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>What every run of an engine shares: the clock, the store, the function broker, the loaded workflows.</summary>
internal sealed record EngineServices(
    WorkflowCatalog Catalog,
    InvocationBroker Broker,
    IRunStore Store,
    TimeProvider Time,
    Func<string, string?> Secrets,
    Func<double> Random,
    IRunObserver? Observer);
