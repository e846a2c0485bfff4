using System.Collections.Concurrent;
using Orchestrator.Transport.RabbitMq.Topology;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>
/// Declares a function's queues once per process before the first invocation goes to it, so an invocation sent
/// before any worker started waits in a durable queue instead of being dropped as unroutable.
/// </summary>
internal sealed class FunctionQueues(IConnection connection, QueueNames names)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _declared = new(StringComparer.Ordinal);

    public Task EnsureAsync(string function, CancellationToken cancellationToken)
    {
        var declared = _declared.GetOrAdd(function, name => new Lazy<Task>(() => Declare.FunctionQueuesAsync(connection, names, name, CancellationToken.None)));
        var task = declared.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed declaration (the channel was closing) is retried by the next invocation rather than remembered.
            _declared.TryRemove(new KeyValuePair<string, Lazy<Task>>(function, declared));
        }

        return task.IsCompletedSuccessfully ? Task.CompletedTask : task.WaitAsync(cancellationToken);
    }
}
