using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;

namespace Orchestrator.Core.Interpreter;

/// <summary><c>emit</c> and <c>listen</c>: messages out of and into a run.</summary>
internal sealed partial class RunExecution
{
    private async Task<StepOutcome> EmitAsync(EmitTask task, StepContext step, CancellationToken cancellationToken)
    {
        if (step.Replayed?.Outcome is { } recorded)
        {
            return await ReplayAsync(recorded, step, task.Then, cancellationToken).ConfigureAwait(false);
        }

        var publisher = services.Publisher
            ?? throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Configuration, "'emit' has nowhere to publish: this engine has no event publisher", null, Retryable: false), step.Path);
        var fields = Evaluate(task.Event, step, cancellationToken);
        var now = services.Time.GetUtcNow();
        var message = EventMessages.Build(fields, $"orchestrator/{journal.Run.Workflow}", Guid.CreateVersion7(now).ToString("N"), now, task.Format == EmitFormat.CloudEvents, out var problem)
            ?? throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Expression, problem!, null, Retryable: false), step.Path);

        // Durable before the side effect, as for calls: the history says the step started before anyone sees the event.
        await journal.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await publisher.PublishAsync(new OutgoingEvent(task.To, task.Exchange, task.Format, message), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var where = task.Exchange is null ? $"queue '{task.To}'" : $"exchange '{task.Exchange}' (routing key '{task.To}')";
            throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Emit, $"could not publish to {where}: {ex.Message}", null, Retryable: true), step.Path, ex);
        }

        return new StepOutcome(message, task.Then);
    }

    private async Task<StepOutcome> ListenAsync(ListenTask task, StepContext step, CancellationToken cancellationToken)
    {
        if (step.Replayed?.Outcome is { } recorded)
        {
            return await ReplayAsync(recorded, step, task.Then, cancellationToken).ConfigureAwait(false);
        }

        var hub = services.Events
            ?? throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Configuration, "'listen' needs a run store that keeps an inbox (SQLite, PostgreSQL or in-memory)", null, Retryable: false), step.Path);
        var expected = task.CorrelationKey is null ? null : EventMessages.KeyText(Evaluate(task.CorrelationValue!, step, cancellationToken));

        // The run is committed before it waits: from here on, an engine stop leaves it resumable.
        await journal.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Suspension.Waits);
        var received = await hub.WaitAsync(new ListenFilter(task.Channel, task.EventType, task.CorrelationKey, expected, journal.Run.Id), wait.Token).ConfigureAwait(false);

        // Deleted from the inbox in the commit that records this step's result, so it is consumed exactly once.
        journal.Consume(received.Id);
        return new StepOutcome(received.Message.DeepClone(), task.Then);
    }
}
