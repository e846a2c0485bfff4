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
        var (reply, stepTimedOut) = await InvokeAsync(command, call.Timeout, cancellationToken).ConfigureAwait(false);
        if (stepTimedOut)
        {
            // The step's own timeout, and the worker's reply (it shares the deadline) came within the grace: the step
            // fails as any step timeout does, with the metrics and logs of what ran.
            var error = StepTimedOut(step.Path, call.Timeout!.Value);
            var stopped = new JsonObject { ["error"] = ToJson(error), ["metrics"] = Metrics(reply.Completed?.Metrics ?? reply.Failed!.Metrics) };
            AddLogs(stopped, reply.Completed?.Logs ?? reply.Failed!.Logs);
            journal.Record(HistoryEventKind.StepFailed, step.Path, step.Attempt, stopped);
            throw new WorkflowFailureException(error, step.Path);
        }

        // An output deeper than the nesting limit never gets here: the worker host refuses it for every kind of
        // function, embedded or over the broker.
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

    /// <summary>
    /// Awaits the worker's reply. When the step's own timeout fires the worker reaches the same deadline, kills the
    /// function and replies with what it gathered (cold start, init, logs): that reply is awaited for a short grace
    /// before the engine gives up on it. Any other cancellation (the run's, a suspension) stops waiting at once.
    /// </summary>
    private async Task<(InvocationReply Reply, bool StepTimedOut)> InvokeAsync(InvokeFunction command, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is null || command.Deadline is not { } deadline)
        {
            return (await services.Broker.InvokeAsync(command, cancellationToken).ConfigureAwait(false), false);
        }

        var stepTimedOut = false;
        using var waiting = new CancellationTokenSource();
        using var stop = cancellationToken.Register(() =>
        {
            // The step's timer started a moment before the deadline sent to the worker was computed.
            stepTimedOut = services.Time.GetUtcNow() >= deadline - StepTimeoutTolerance && !services.Suspension.Requested;
            if (stepTimedOut)
            {
                waiting.CancelAfter(StepTimeoutReplyGrace);
            }
            else
            {
                waiting.Cancel();
            }
        });
        try
        {
            var reply = await services.Broker.InvokeAsync(command, waiting.Token).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested && !Volatile.Read(ref stepTimedOut))
            {
                // The run stopped (not the step's timeout) just as the reply came: its own handling applies.
                throw new OperationCanceledException(cancellationToken);
            }

            return (reply, cancellationToken.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // No reply within the grace: the step's own handling records the timeout or the cancellation.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static readonly TimeSpan StepTimeoutTolerance = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan StepTimeoutReplyGrace = TimeSpan.FromSeconds(2);

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
