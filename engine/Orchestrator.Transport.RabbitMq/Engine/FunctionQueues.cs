using Orchestrator.Transport.RabbitMq.Topology;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>
/// Declares a function's queues once per process before the first invocation goes to it, so an invocation sent
/// before any worker started waits in a durable queue instead of being dropped as unroutable.
/// </summary>
internal sealed class FunctionQueues(IConnection connection, QueueNames names)
{
    private readonly DeclaredOnce _declared = new(function => Declare.FunctionQueuesAsync(connection, names, function, CancellationToken.None));

    public Task EnsureAsync(string function, CancellationToken cancellationToken) => _declared.EnsureAsync(function, cancellationToken);
}
