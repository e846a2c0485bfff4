using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Consuming;
using Orchestrator.Transport.RabbitMq.Lifetime;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>
/// The engine's queue triggers: one consumer per <c>on: - queue: NAME</c> of the loaded workflows (the highest
/// version of each), on a connection of their own so that a flood of trigger messages never slows replies. Disposing
/// stops consuming (if not yet) and closes the channels; the runtime drains or suspends the runs first.
/// <paramref name="prewarm"/> (the dispatcher's, throttled) is asked to prewarm each workflow's first function.
/// </summary>
internal sealed class QueueTriggerHost(IConnection connection, WorkflowEngine engine, IRunStore store, IReadOnlyList<QueueTrigger> triggers, Action<string>? prewarm, RabbitMqOptions options, TransportLog log, TimeProvider time)
    : QueueConsumerHost<QueueTriggerConsumer>(connection, options, log, time)
{
    /// <summary>Counters per trigger queue.</summary>
    public IReadOnlyDictionary<string, TriggerStatistics> Statistics => Consumers.ToDictionary(c => c.Queue, c => c.Statistics, StringComparer.Ordinal);

    /// <summary>Runs started by these triggers that have not ended (nor been suspended).</summary>
    public int Running => Consumers.Sum(c => c.Runs.Count);

    /// <summary>The queue triggers of the highest version of each workflow in <paramref name="catalog"/>.</summary>
    /// <exception cref="ArgumentException">Two workflows share a queue, or a trigger's options are out of range.</exception>
    public static IReadOnlyList<QueueTrigger> Find(WorkflowCatalog catalog, Func<WorkflowDefinition, TriggerDefinition, QueueTriggerOptions>? options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var triggers = new List<QueueTrigger>();
        var latest = catalog.All.Select(w => w.Name).Distinct(StringComparer.Ordinal).Select(name => catalog.Find(name, null)!);
        foreach (var workflow in latest.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            foreach (var trigger in workflow.Triggers.Where(t => t.Kind == "queue"))
            {
                // Two consumers of one queue would compete, each message starting only one of the workflows.
                if (triggers.FirstOrDefault(t => t.Queue == trigger.Target) is { } other)
                {
                    throw new ArgumentException($"queue '{trigger.Target}' triggers both {other.Workflow.Name} and {workflow.Name}; a queue can start one workflow (publish to two queues, or fan out with an exchange)");
                }

                var chosen = options?.Invoke(workflow, trigger) ?? new QueueTriggerOptions
                {
                    Prefetch = trigger.Prefetch ?? QueueTriggerOptions.Default.Prefetch,
                    Concurrency = trigger.Concurrency ?? QueueTriggerOptions.Default.Concurrency,
                    Correlation = trigger.Correlation,
                };
                if (chosen.Prefetch is < 1 or > ushort.MaxValue || chosen.Concurrency < 1)
                {
                    throw new ArgumentException($"queue trigger '{trigger.Target}' of {workflow.Name}: prefetch must be 1 to 65535 and concurrency at least 1");
                }

                triggers.Add(new QueueTrigger(trigger.Target, workflow, chosen));
            }
        }

        return triggers;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the runs these triggers started to end or be suspended.</summary>
    /// <returns>True when none is left.</returns>
    public async Task<bool> WaitRunsAsync(TimeSpan timeout)
    {
        var deadline = Time.GetUtcNow() + timeout;
        var idle = true;
        foreach (var consumer in Consumers)
        {
            if (!await consumer.Runs.WaitIdleAsync(Time.Remaining(deadline), Time).ConfigureAwait(false))
            {
                Log.Write("trigger.drain-timeout", $"queue={consumer.Queue} running={consumer.Runs.Count}");
                idle = false;
            }
        }

        return idle;
    }

    protected override IEnumerable<QueueTriggerConsumer> CreateConsumers(DeadLetters deadLetters) =>
        triggers.Select(trigger => new QueueTriggerConsumer(trigger, engine, store, deadLetters, Log, prewarm, Stopping));

    /// <summary>
    /// Waits, until <paramref name="deadline"/>, for the messages being started to be acknowledged (or returned to
    /// their queue). Runs already started go on: see <see cref="WaitRunsAsync"/>.
    /// </summary>
    protected override async Task DrainAsync(DateTimeOffset deadline)
    {
        foreach (var consumer in Consumers)
        {
            await consumer.Pending.WaitIdleAsync(Time.Remaining(deadline), Time).ConfigureAwait(false);
        }
    }
}
