using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// Executes one run: walks the task tree, records every transition in the journal, and turns failures into
/// typed errors that <c>retry</c> and <c>catch</c> act on. One instance per run; branches and loop iterations
/// share it and run concurrently.
/// </summary>
internal sealed partial class RunExecution(RunJournal journal, EngineServices services)
{
    /// <summary>Guards against a <c>then:</c> loop that never ends.</summary>
    private const int MaxStepsPerRun = 100_000;

    private int _stepsTaken;
    private long _invocations = journal.Replay?.Invocations ?? 0;

    public RunJournal Journal => journal;

    public async Task<StepOutcome> ExecuteListAsync(TaskList list, ExpressionScope scope, string prefix, CancellationToken cancellationToken)
    {
        JsonNode? last = null;
        var index = 0;
        while (index < list.Tasks.Count)
        {
            if (Interlocked.Increment(ref _stepsTaken) > MaxStepsPerRun)
            {
                throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Workflow, $"more than {MaxStepsPerRun} steps: is a 'then' looping forever?", null, Retryable: false), prefix);
            }

            var outcome = await ExecuteStepAsync(list.Tasks[index], scope, prefix, cancellationToken).ConfigureAwait(false);
            last = outcome.Value;
            switch (outcome.Directive.Kind)
            {
                case FlowDirectiveKind.Continue:
                    index++;
                    break;
                case FlowDirectiveKind.GoTo:
                    index = list.IndexOf(outcome.Directive.Target!);
                    break;
                case FlowDirectiveKind.Exit:
                    return new StepOutcome(last, FlowDirective.Continue);
                default:
                    return new StepOutcome(last, FlowDirective.End);
            }
        }

        return new StepOutcome(last, FlowDirective.Continue);
    }

    private async Task<StepOutcome> ExecuteStepAsync(TaskDefinition task, ExpressionScope scope, string prefix, CancellationToken cancellationToken)
    {
        var path = prefix + task.Name;
        if (task.If is { } condition && !Guard(() => condition.EvaluateCondition(scope, cancellationToken), path))
        {
            journal.Record(HistoryEventKind.StepSkipped, path, 1, null);
            scope.Set(task.Name, null);
            return new StepOutcome(null, FlowDirective.Continue);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await ExecuteAttemptAsync(task, scope, path, attempt, cancellationToken).ConfigureAwait(false);
                scope.Set(task.Name, outcome.Value);
                return outcome;
            }
            catch (WorkflowFailureException failure) when (task.Retry is { } policy && attempt < policy.Attempts && policy.Covers(failure.Error.Type, failure.Error.Retryable))
            {
                await BackOffAsync(policy, attempt, path, failure.Error, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<StepOutcome> ExecuteAttemptAsync(TaskDefinition task, ExpressionScope scope, string path, int attempt, CancellationToken cancellationToken)
    {
        // A resumed run's attempt that started before keeps its first start: its timeout counts from there.
        var replayed = journal.Replay?.Peek(path, attempt);
        using var timeout = task.Timeout is { } limit ? LongTimers.CancelAfter(Remaining(limit, replayed?.StartedAt, services.Time), services.Time) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;
        var step = new StepContext(task, scope, path, attempt, replayed);
        try
        {
            var outcome = task switch
            {
                CallTask call => await CallAsync(call, step, token).ConfigureAwait(false),
                _ => await ExecuteKindAsync(step, token).ConfigureAwait(false),
            };
            return outcome;
        }
        catch (OperationCanceledException) when (services.Suspension.Requested)
        {
            // The engine is stopping: record nothing, so that the resumed run takes this attempt up again.
            throw;
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            var error = new ErrorInfo(ErrorTypes.Timeout, $"step '{path}' timed out after {Format(task.Timeout!.Value)}");
            journal.Record(HistoryEventKind.StepFailed, path, attempt, new JsonObject { ["error"] = ToJson(error) });
            throw new WorkflowFailureException(error, path);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            journal.Record(HistoryEventKind.StepCancelled, path, attempt, new JsonObject { ["reason"] = "cancelled" });
            throw;
        }
    }

    /// <summary>Runs the kinds of task that record start and end the same way (everything but calls).</summary>
    private async Task<StepOutcome> ExecuteKindAsync(StepContext step, CancellationToken cancellationToken)
    {
        journal.Record(HistoryEventKind.StepStarted, step.Path, step.Attempt, null);
        StepOutcome outcome;
        try
        {
            outcome = step.Task switch
            {
                SetTask set => new StepOutcome(Evaluate(set.Value, step, cancellationToken), set.Then),
                OutputTask output => new StepOutcome(Evaluate(output.Value, step, cancellationToken), FlowDirective.End),
                SwitchTask @switch => Switch(@switch, step, cancellationToken),
                WaitTask wait => await WaitAsync(wait, step, cancellationToken).ConfigureAwait(false),
                RaiseTask raise => throw Raise(raise, step, cancellationToken),
                DoTask block => Then(await ExecuteListAsync(block.Do, step.Scope, step.Path + "/", cancellationToken).ConfigureAwait(false), block),
                ForkTask fork => await ForkAsync(fork, step, cancellationToken).ConfigureAwait(false),
                ForTask loop => await ForAsync(loop, step, cancellationToken).ConfigureAwait(false),
                TryTask attempt => await TryAsync(attempt, step, cancellationToken).ConfigureAwait(false),
                RunTask run => await RunSubWorkflowAsync(run, step, cancellationToken).ConfigureAwait(false),
                ListenTask listen => await ListenAsync(listen, step, cancellationToken).ConfigureAwait(false),
                EmitTask emit => await EmitAsync(emit, step, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"no executor for {step.Task.Kind}"),
            };
        }
        catch (WorkflowFailureException failure)
        {
            journal.Record(HistoryEventKind.StepFailed, step.Path, step.Attempt, new JsonObject { ["error"] = ToJson(failure.Error) });
            throw;
        }

        journal.Record(HistoryEventKind.StepCompleted, step.Path, step.Attempt, new JsonObject { ["output"] = outcome.Value?.DeepClone() });
        return outcome;
    }

    /// <summary>A container's own <c>then</c> applies unless its body ended the run.</summary>
    private static StepOutcome Then(StepOutcome body, TaskDefinition task) =>
        body.Ended ? body : new StepOutcome(body.Value, task.Then);

    private async Task BackOffAsync(RetryPolicy policy, int failedAttempt, string path, ErrorInfo error, CancellationToken cancellationToken)
    {
        var delay = policy.DelayAfter(failedAttempt);
        if (policy.Jitter)
        {
            delay = TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (services.Random() * 0.5))));
        }

        var recorded = journal.Record(HistoryEventKind.StepRetrying, path, failedAttempt, new JsonObject
        {
            ["delayMs"] = delay.TotalMilliseconds,
            ["nextAttempt"] = failedAttempt + 1,
            ["error"] = ToJson(error),
        });
        if (recorded is not null)
        {
            // Resumed: the delay was decided before the engine stopped; only what is left of it remains.
            var decided = recorded.Data?["delayMs"] is JsonValue ms && ms.TryGetValue(out double value) ? TimeSpan.FromMilliseconds(value) : delay;
            delay = recorded.Timestamp + decided - services.Time.GetUtcNow();
        }

        await journal.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (delay > TimeSpan.Zero)
        {
            await DurableDelayAsync(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A wait that holds no thread and that an engine stop suspends (the resumed run waits what is left).</summary>
    private async Task DurableDelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Suspension.Waits);
        await LongTimers.DelayAsync(delay, services.Time, linked.Token).ConfigureAwait(false);
    }

    /// <summary>What is left of <paramref name="limit"/> for an attempt that first started at <paramref name="startedAt"/> (never zero: a spent limit still fires).</summary>
    internal static TimeSpan Remaining(TimeSpan limit, DateTimeOffset? startedAt, TimeProvider time)
    {
        if (startedAt is not { } start)
        {
            return limit;
        }

        var left = start + limit - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
    }

    private static JsonNode? Evaluate(ValueTemplate template, StepContext step, CancellationToken cancellationToken)
    {
        var value = Guard(() => template.Evaluate(step.Scope, cancellationToken), step.Path);

        // Expressions stop at the limit themselves; this catches a value assembled from several of them, or a
        // literal written that deep, before the store is asked to keep it.
        return JsonLimits.IsTooDeep(value)
            ? throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Expression, JsonLimits.TooDeepMessage($"the value of step '{step.Path}'"), null, Retryable: false), step.Path)
            : value;
    }

    /// <summary>Runs an expression evaluation, turning a script error into a typed, non-retryable failure.</summary>
    private static T Guard<T>(Func<T> evaluate, string path)
    {
        try
        {
            return evaluate();
        }
        catch (ExpressionException ex)
        {
            throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Expression, ex.Message, null, Retryable: false), path, ex);
        }
    }

    internal static JsonObject ToJson(ErrorInfo error) => new()
    {
        ["type"] = error.Type,
        ["message"] = error.Message,
        ["stack"] = error.Stack,
        ["retryable"] = error.Retryable,
    };

    internal static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 1 ? $"{duration.TotalSeconds:0.###}s" : $"{duration.TotalMilliseconds:0.###}ms";
}
