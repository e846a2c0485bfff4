using System.Collections.Concurrent;
using Orchestrator.Core.Expressions;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>
/// Consumes one trigger queue: each message is read (raw JSON or CloudEvent), checked against the workflow's
/// <c>input.schema</c>, deduplicated by its correlation value, and starts a run; it is acknowledged only once the
/// run's first commit is durable. A message that cannot start a run goes to <c>QUEUE.dead</c> with its reason.
/// </summary>
internal sealed class QueueTriggerConsumer(
    QueueTrigger trigger,
    WorkflowEngine engine,
    IRunStore store,
    DeadLetters deadLetters,
    TransportLog log,
    CancellationToken stopping) : IAsyncDisposable
{
    private readonly CorrelationKey _correlation = CorrelationKey.Create(trigger.Options.Correlation);
    private readonly SemaphoreSlim _slots = new(trigger.Options.Concurrency, trigger.Options.Concurrency);
    private readonly ConcurrentDictionary<string, Task> _starting = new(StringComparer.Ordinal);
    private IChannel? _channel;
    private string? _consumerTag;

    public string Queue => trigger.Queue;

    public TriggerStatistics Statistics { get; } = new();

    /// <summary>Messages being started or set aside (not yet acknowledged).</summary>
    public InFlight Pending { get; } = new();

    /// <summary>Runs started here that have not ended.</summary>
    public InFlight Runs { get; } = new();

    public async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        // A queue some publisher already declared otherwise (a quorum queue, a TTL) is used as it is: it is theirs to shape.
        await Declare.QueueAsync(connection, trigger.Queue, null, cancellationToken).ConfigureAwait(false);
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await deadLetters.DeclareAsync(trigger.Queue, cancellationToken).ConfigureAwait(false);
        await _channel.BasicQosAsync(0, (ushort)trigger.Options.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnMessageAsync;
        _consumerTag = await _channel.BasicConsumeAsync(trigger.Queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
        log.Write("trigger.consuming", $"queue={trigger.Queue} workflow={trigger.Workflow.Name}@{trigger.Workflow.Version} prefetch={trigger.Options.Prefetch} concurrency={trigger.Options.Concurrency}");
    }

    public async Task StopConsumingAsync()
    {
        if (_channel is null || _consumerTag is null)
        {
            return;
        }

        try
        {
            await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
        }
        catch (Exception ex) when (Quietly.IsGone(ex))
        {
            // Gone with its channel: nothing more will be delivered either way.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await Quietly.CloseAsync(_channel).ConfigureAwait(false);
        }

        _slots.Dispose();
    }

    private async Task OnMessageAsync(object sender, BasicDeliverEventArgs delivery)
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
            _ = Task.Run(() => DeadLetterAsync(tag, properties, body, problem));
            return;
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

    private async Task DeadLetterAsync(ulong tag, IReadOnlyBasicProperties properties, byte[] body, string reason)
    {
        try
        {
            await deadLetters.PublishAsync(trigger.Queue, trigger.Workflow.Name, properties, body, reason, CancellationToken.None).ConfigureAwait(false);
            Statistics.OnDeadLettered();
            log.Write("trigger.dead-lettered", $"queue={trigger.Queue} reason=\"{reason}\"");
            await SettleAsync(tag, acknowledge: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PublishException || Quietly.IsGone(ex))
        {
            // Not set aside: back to the queue, to be tried again, rather than lost.
            log.Write("trigger.dead-letter-failed", $"queue={trigger.Queue} reason=\"{ex.Message}\"");
            await SettleAsync(tag, acknowledge: false).ConfigureAwait(false);
        }
        finally
        {
            Pending.Exit();
        }
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
                    log.Write("trigger.duplicate", $"queue={trigger.Queue} run={runId}");
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
            log.Write("trigger.start-failed", $"queue={trigger.Queue} reason=\"{ex.Message}\"");
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
            log.Write("trigger.run-crashed", $"queue={trigger.Queue} run={run.RunId} reason=\"{ex.Message}\"");
        }
        finally
        {
            _slots.Release();
            Runs.Exit();
        }
    }

    private async Task SettleAsync(ulong tag, bool acknowledge)
    {
        try
        {
            if (acknowledge)
            {
                await _channel!.BasicAckAsync(tag, multiple: false).ConfigureAwait(false);
            }
            else
            {
                await _channel!.BasicNackAsync(tag, multiple: false, requeue: true).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Quietly.IsGone(ex))
        {
            // The channel is gone: the broker requeues the message by itself, and its correlation finds the run.
            log.Write("trigger.settle-lost", $"queue={trigger.Queue} reason=\"{ex.Message}\"");
        }
    }
}
