using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Interpreter;

/// <summary><c>switch</c>, <c>wait</c> and <c>raise</c>: the tasks that make one decision and return.</summary>
internal sealed partial class RunExecution
{
    /// <summary>The first case that holds decides; its target's name is the step's result.</summary>
    private static StepOutcome Switch(SwitchTask task, StepContext step, CancellationToken cancellationToken)
    {
        foreach (var @case in task.Cases)
        {
            if (@case.IsDefault || Guard(() => @case.When!.EvaluateCondition(step.Scope, cancellationToken), step.Path))
            {
                return new StepOutcome(JsonValue.Create(@case.Then.ToString()), @case.Then);
            }
        }

        return new StepOutcome(null, task.Then);
    }

    private async Task<StepOutcome> WaitAsync(WaitTask task, StepContext step, CancellationToken cancellationToken)
    {
        if (step.Replayed?.Outcome is { } recorded)
        {
            return await ReplayAsync(recorded, step, task.Then, cancellationToken).ConfigureAwait(false);
        }

        await journal.FlushAsync(cancellationToken).ConfigureAwait(false);

        // A resumed wait counts from its first start.
        var left = step.Replayed is { } replayed ? replayed.StartedAt + task.Duration - services.Time.GetUtcNow() : task.Duration;
        if (left > TimeSpan.Zero)
        {
            await DurableDelayAsync(left, cancellationToken).ConfigureAwait(false);
        }

        return new StepOutcome(null, task.Then);
    }

    private static WorkflowFailureException Raise(RaiseTask task, StepContext step, CancellationToken cancellationToken)
    {
        var message = Evaluate(task.Message, step, cancellationToken);
        var text = message is JsonValue value && value.TryGetValue<string>(out var s) ? s : message?.ToJsonString() ?? task.ErrorType;
        return new WorkflowFailureException(new ErrorInfo(task.ErrorType, text, null, task.Retryable), step.Path);
    }
}
