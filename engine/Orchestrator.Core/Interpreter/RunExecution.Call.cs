using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary><c>call</c>: one <see cref="InvokeFunction"/> per attempt, awaited through the broker.</summary>
internal sealed partial class RunExecution
{
    private async Task<StepOutcome> CallAsync(CallTask call, StepContext step, CancellationToken cancellationToken)
    {
        JsonNode? payload;
        try
        {
            payload = call.With is null ? new JsonObject() : Evaluate(call.With, step, cancellationToken);
        }
        catch (WorkflowFailureException failure)
        {
            journal.Record(HistoryEventKind.StepStarted, step.Path, step.Attempt, null);
            journal.Record(HistoryEventKind.StepFailed, step.Path, step.Attempt, new JsonObject { ["error"] = ToJson(failure.Error) });
            throw;
        }

        if (step.Replayed?.Outcome is { } recorded)
        {
            // Resumed: the call already ended before the engine stopped. Its events are in the history already.
            journal.Record(HistoryEventKind.StepStarted, step.Path, step.Attempt, null);
            journal.Record(recorded.Kind, step.Path, step.Attempt, recorded.Data);
            return await ReplayAsync(recorded, step, call.Then, cancellationToken).ConfigureAwait(false);
        }

        var runId = journal.Run.Id;
        var invocationId = string.Create(CultureInfo.InvariantCulture, $"{runId}.{Interlocked.Increment(ref _invocations)}");
        var deadline = call.Timeout is { } limit ? services.Time.GetUtcNow() + limit : (DateTimeOffset?)null;
        journal.Record(HistoryEventKind.StepStarted, step.Path, step.Attempt, new JsonObject { ["input"] = payload?.DeepClone() });
        journal.Record(HistoryEventKind.FunctionInvoked, step.Path, step.Attempt, new JsonObject
        {
            ["function"] = call.Function,
            ["invocationId"] = invocationId,
        });

        // Durable before the side effect: the history says the call was sent before the worker sees it.
        await journal.FlushAsync(cancellationToken).ConfigureAwait(false);
        var command = new InvokeFunction(invocationId, runId, step.Path, step.Attempt, call.Function, payload, deadline);
        var reply = await services.Broker.InvokeAsync(command, cancellationToken).ConfigureAwait(false);
        if (reply.Completed is { } deep && JsonLimits.IsTooDeep(deep.Output))
        {
            // Whatever the worker's JSON library allowed, the engine keeps only what every store can read back.
            var error = new ErrorInfo(ErrorTypes.Serialization, JsonLimits.TooDeepMessage($"the output of function '{call.Function}'"), null, Retryable: false);
            journal.Record(HistoryEventKind.StepFailed, step.Path, step.Attempt, new JsonObject { ["error"] = ToJson(error), ["metrics"] = Metrics(deep.Metrics) });
            throw new WorkflowFailureException(error, step.Path);
        }

        if (reply.Completed is { } completed)
        {
            var data = new JsonObject { ["output"] = completed.Output?.DeepClone(), ["metrics"] = Metrics(completed.Metrics) };
            AddLogs(data, completed.Logs);
            journal.Record(HistoryEventKind.StepCompleted, step.Path, step.Attempt, data);
            return new StepOutcome(completed.Output, call.Then);
        }

        var failed = reply.Failed!;
        var details = new JsonObject { ["error"] = ToJson(failed.Error), ["metrics"] = Metrics(failed.Metrics) };
        AddLogs(details, failed.Logs);
        journal.Record(HistoryEventKind.StepFailed, step.Path, step.Attempt, details);
        throw new WorkflowFailureException(failed.Error, step.Path);
    }

    private static JsonObject Metrics(InvocationMetrics metrics) => new()
    {
        ["coldStart"] = metrics.ColdStart,
        ["initMs"] = Math.Round(metrics.InitMs, 3),
        ["durationMs"] = Math.Round(metrics.DurationMs, 3),
        ["instanceId"] = metrics.InstanceId,
    };

    private static void AddLogs(JsonObject data, IReadOnlyList<string>? logs)
    {
        if (logs is { Count: > 0 })
        {
            data["logs"] = new JsonArray([.. logs.Select(line => (JsonNode)JsonValue.Create(line))]);
        }
    }
}
