using System.Collections.Concurrent;
using Orchestrator.Core.Expressions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Consuming;
using Orchestrator.Transport.RabbitMq.Lifetime;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>
/// Consumes one trigger queue: each message is read (raw JSON or CloudEvent), checked against the workflow's
/// <c>input.schema</c>, deduplicated by its correlation value, and starts a run; it is acknowledged only once the
/// run's first commit is durable. A message that cannot start a run goes to <c>QUEUE.dead</c> with its reason.
/// A message that will start a run first asks, through <paramref name="prewarm"/>, for the function of the workflow's
/// first step to be prewarmed, so that its cold start overlaps the run's start.
/// </summary>
internal sealed class QueueTriggerConsumer(
    QueueTrigger trigger,
    WorkflowEngine engine,
    IRunStore store,
    DeadLetters deadLetters,
    TransportLog log,
    Action<string>? prewarm,
    CancellationToken stopping) : QueueConsumer(trigger.Queue, "trigger", deadLetters, log)
{
    private readonly CorrelationKey _correlation = CorrelationKey.Create(trigger.Options.Correlation);
    private readonly SemaphoreSlim _slots = new(trigger.Options.Concurrency, trigger.Options.Concurrency);
    private readonly ConcurrentDictionary<string, Task> _starting = new(StringComparer.Ordinal);

    public TriggerStatistics Statistics { get; } = new();

    /// <summary>Runs started here that have not ended.</summary>
    public InFlight Runs { get; } = new();

    public override async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await ConsumeAsync(connection, (ushort)trigger.Options.Prefetch, cancellationToken).ConfigureAwait(false);
        Log.Write("trigger.consuming", $"queue={trigger.Queue} workflow={trigger.Workflow.Name}@{trigger.Workflow.Version} prefetch={trigger.Options.Prefetch} concurrency={trigger.Options.Concurrency}");
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        _slots.Dispose();
    }

    protected override void OnDeadLettered() => Statistics.OnDeadLettered();

    protected override async Task OnMessageAsync(BasicDeliverEventArgs delivery)
    {
        Statistics.OnReceived();

        // The body's memory belongs to the client only until this handler returns.
        var body = delivery.Body.ToArray();
        var properties = delivery.BasicProperties;
        var tag = delivery.DeliveryTag;
        var message = TriggerMessageParser.TryParse(body, properties, out var problem);
        string? correlation = null;
        if (message is not null)
        {
            if (InputValidator.Validate(trigger.Workflow, message.Input) is { } invalid)
            {
                problem = invalid.Message;
            }
            else
            {
                try
                {
                    correlation = _correlation.Evaluate(message, trigger.Queue, delivery.Redelivered, stopping);
                }
                catch (ExpressionException ex)
                {
                    problem = $"correlation failed: {ex.Message}";
                }
            }
        }

        if (problem is not null)
        {
            Pending.Enter();
            _ = Task.Run(() => DeadLetterAsync(tag, properties, body, problem, trigger.Workflow.Name));
            return;
        }

        // Before the run's start (slot, first commit, dispatch): a worker can cold-start the first step's function
        // meanwhile. Throttled per function by the dispatcher; best effort.
        if (trigger.FirstFunction is { } first)
        {
            prewarm?.Invoke(first);
        }

        // Waiting here holds up this queue's deliveries: at the concurrency limit, messages stay in the broker.
        try
        {
            await _slots.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
            return;
        }

        Pending.Enter();
        _ = Task.Run(() => StartRunAsync(message!, correlation, tag));
    }

    private async Task StartRunAsync(TriggerMessage message, string? correlation, ulong tag)
    {
        var started = false;
        string? runId = null;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            if (correlation is not null)
            {
                runId = CorrelationKey.RunId(trigger.Workflow.Name, correlation);

                // Two deliveries of one message in this engine at once: the second waits for the first, then finds its run.
                while (!_starting.TryAdd(runId, mine.Task))
                {
                    if (_starting.TryGetValue(runId, out var other))
                    {
                        await other.ConfigureAwait(false);
                    }
                }

                if (await store.GetRunAsync(runId, CancellationToken.None).ConfigureAwait(false) is not null)
                {
                    Statistics.OnDuplicate();
                    Log.Write("trigger.duplicate", $"queue={trigger.Queue} run={runId}");
                    await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
                    return;
                }
            }

            if (stopping.IsCancellationRequested)
            {
                // The engine is stopping: a run started now might not get to run; the queue keeps the message.
                await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
                return;
            }

            // Not cancellable: an engine that stops suspends its runs instead (they stay resumable), it never ends them.
            var run = await engine.StartAsync(trigger.Workflow, message.Input, runId, CancellationToken.None).ConfigureAwait(false);
            started = true;
            Statistics.OnStarted();
            Runs.Enter();
            _ = ObserveAsync(run);
            await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stopped the start (the store, a bug), the message goes back to the queue rather than being lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Statistics.OnStartFailed();
            Log.Write("trigger.start-failed", $"queue={trigger.Queue} reason=\"{ex.Message}\"");
            await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
        }
        finally
        {
            if (!started)
            {
                _slots.Release();
            }

            if (runId is not null)
            {
                _starting.TryRemove(new KeyValuePair<string, Task>(runId, mine.Task));
            }

            mine.TrySetResult();
            Pending.Exit();
        }
    }

    private async Task ObserveAsync(StartedRun run)
    {
        try
        {
            var result = await run.Completion.ConfigureAwait(false);
            if (result.Status == RunStatus.Running)
            {
                // Suspended by a stopping engine: not ended, resumed later from its history.
                Statistics.OnSuspended();
            }
            else
            {
                Statistics.OnEnded(result.Status == RunStatus.Completed);
            }
        }
#pragma warning disable CA1031 // A run that crashed is counted and logged; the trigger keeps consuming.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Statistics.OnEnded(false);
            Log.Write("trigger.run-crashed", $"queue={trigger.Queue} run={run.RunId} reason=\"{ex.Message}\"");
        }
        finally
        {
            _slots.Release();
            Runs.Exit();
        }
    }
}
