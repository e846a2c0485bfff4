using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Lifetime;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>
/// The engine's queue triggers: one consumer per <c>on: - queue: NAME</c> of the loaded workflows (the highest
/// version of each), on a connection of their own so that a flood of trigger messages never slows replies.
/// </summary>
internal sealed class QueueTriggerHost : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly RabbitMqOptions _options;
    private readonly TransportLog _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<QueueTriggerConsumer> _consumers = [];
    private readonly WorkflowEngine _engine;
    private readonly IRunStore _store;
    private readonly IReadOnlyList<QueueTrigger> _triggers;
    private IChannel? _deadLetterChannel;
    private int _stopped;
    private int _disposed;

    public QueueTriggerHost(IConnection connection, WorkflowEngine engine, IRunStore store, IReadOnlyList<QueueTrigger> triggers, RabbitMqOptions options, TransportLog log, TimeProvider time)
    {
        _connection = connection;
        _engine = engine;
        _store = store;
        _triggers = triggers;
        _options = options;
        _log = log;
        _time = time;
    }

    /// <summary>Counters per trigger queue.</summary>
    public IReadOnlyDictionary<string, TriggerStatistics> Statistics => _consumers.ToDictionary(c => c.Queue, c => c.Statistics, StringComparer.Ordinal);

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

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _deadLetterChannel = await Connector.OpenConfirmingChannelAsync(_connection, _options.MaxOutstandingConfirms, cancellationToken).ConfigureAwait(false);
        var deadLetters = new DeadLetters(_connection, _deadLetterChannel, _time);
        foreach (var trigger in _triggers)
        {
            var consumer = new QueueTriggerConsumer(trigger, _engine, _store, deadLetters, _log, _stopping.Token);
            _consumers.Add(consumer);
            await consumer.StartAsync(_connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs started by these triggers that have not ended (nor been suspended).</summary>
    public int Running => _consumers.Sum(c => c.Runs.Count);

    /// <summary>
    /// Stops consuming and waits, until <paramref name="deadline"/>, for the messages being started to be
    /// acknowledged (or returned to their queue). Runs already started go on: see <see cref="WaitRunsAsync"/>.
    /// </summary>
    public async Task StopConsumingAsync(DateTimeOffset deadline)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        foreach (var consumer in _consumers)
        {
            await consumer.StopConsumingAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            await consumer.Pending.WaitIdleAsync(_time.Remaining(deadline), _time).ConfigureAwait(false);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the runs these triggers started to end or be suspended.</summary>
    /// <returns>True when none is left.</returns>
    public async Task<bool> WaitRunsAsync(TimeSpan timeout)
    {
        var deadline = _time.GetUtcNow() + timeout;
        var idle = true;
        foreach (var consumer in _consumers)
        {
            if (!await consumer.Runs.WaitIdleAsync(_time.Remaining(deadline), _time).ConfigureAwait(false))
            {
                _log.Write("trigger.drain-timeout", $"queue={consumer.Queue} running={consumer.Runs.Count}");
                idle = false;
            }
        }

        return idle;
    }

    /// <summary>Stops consuming (if not yet) and closes the channels; the runtime drains or suspends the runs first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopConsumingAsync(_time.GetUtcNow() + _options.DrainTimeout).ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        if (_deadLetterChannel is not null)
        {
            await Quietly.CloseAsync(_deadLetterChannel).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
