using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>Resumed runs: steps with effects outside the run take the outcome their history recorded.</summary>
internal sealed partial class RunExecution
{
    /// <summary>
    /// Ends a step as it ended before the engine stopped: with its recorded output, or its recorded error. A step that
    /// was cancelled then (a branch that lost a race) waits to be cancelled again.
    /// </summary>
    private static async Task<StepOutcome> ReplayAsync(HistoryEvent recorded, StepContext step, FlowDirective then, CancellationToken cancellationToken)
    {
        switch (recorded.Kind)
        {
            case HistoryEventKind.StepCompleted:
                return new StepOutcome(recorded.Data?["output"]?.DeepClone(), then);
            case HistoryEventKind.StepFailed:
                throw new WorkflowFailureException(ReadError(recorded.Data?["error"]), step.Path);
            default:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                throw new OperationCanceledException(cancellationToken);
        }
    }

    private static ErrorInfo ReadError(JsonNode? error)
    {
        return new ErrorInfo(Text("type") ?? ErrorTypes.Workflow, Text("message") ?? "", Text("stack"), error?["retryable"]?.GetValueKind() != JsonValueKind.False);

        string? Text(string name) => error?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }
}
