namespace Orchestrator.Transport.RabbitMq;

/// <summary>What a process does in the distributed deployment.</summary>
public enum RabbitMqRole
{
    /// <summary>Runs workflows: consumes queue triggers, dispatches invocations, receives replies.</summary>
    Engine,

    /// <summary>Hosts functions: consumes their invocation queues and replies.</summary>
    Worker,

    /// <summary>Both in one process, still talking through the broker.</summary>
    All,
}
