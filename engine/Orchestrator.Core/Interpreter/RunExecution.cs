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

    private readonly Lock _attemptsGate = new();

    /// <summary>The highest attempt number each step path has taken.</summary>
    private readonly Dictionary<string, int> _lastAttempt = new(StringComparer.Ordinal);

    /// <summary>For steps inside re-run blocks: the attempts their earlier runs took (see <see cref="FirstAttempt"/>).</summary>
    private readonly Dictionary<string, int> _attemptFloor = new(StringComparer.Ordinal);

    private int _stepsTaken;
    private long _invocations = journal.Replay?.Invocations ?? 0;

    public RunJournal Journal => journal;

    public async Task<StepOutcome> ExecuteListAsync(TaskList list, ExpressionScope scope, string prefix, CancellationToken cancellationToken)
    {
        JsonNode? last = null;
        var index = 0;
        while (index < list.Tasks.Count)
        {
            // A list whose run was stopped (a sibling ended the run or failed, a timeout, an engine stop) starts no
            // more steps, even when the steps before it never waited on the token.
            cancellationToken.ThrowIfCancellationRequested();
            if (Interlocked.Increment(ref _stepsTaken) > MaxStepsPerRun)
            {
                // A limit of the whole run, like the workflow's timeout: no one step is to blame (the count is run-wide).
                throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Workflow, $"more than {MaxStepsPerRun} steps: is a 'then' looping forever?", null, Retryable: false), null);
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
            return new StepOutcome(null, FlowDirective.Continue, Skipped: true);
        }

        var attempt = FirstAttempt(path);
        for (var tries = 1; ; tries++)
        {
            // A resumed run's attempt that started before keeps its first start: its timeout counts from there.
            var step = new StepContext(task, scope, path, attempt, journal.Replay?.Peek(path, attempt));
            UseAttempt(path, attempt);
            if (tries > 1)
            {
                // The steps inside this one run again: their attempts count on from those of the earlier runs.
                RerunChildren(path);
            }

            try
            {
                var outcome = await ExecuteAttemptAsync(step, cancellationToken).ConfigureAwait(false);
                scope.Set(task.Name, outcome.Value);
                return outcome;
            }
            catch (WorkflowFailureException failure) when (task.Retry is { } policy && tries < policy.Attempts && policy.Covers(failure.Error.Type, failure.Error.Retryable))
            {
                // step.Attempt, not attempt: a try block re-run by its catch clause's retry took attempts of its own.
                await BackOffAsync(policy, tries, path, step.Attempt, failure.Error, cancellationToken).ConfigureAwait(false);
                attempt = step.Attempt + 1;
            }
        }
    }

    private async Task<StepOutcome> ExecuteAttemptAsync(StepContext step, CancellationToken cancellationToken)
    {
        var (task, path) = (step.Task, step.Path);
        using var timeout = task.Timeout is { } limit ? LongTimers.CancelAfter(Remaining(limit, step.Replayed?.StartedAt, services.Time), services.Time) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;
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
            var error = StepTimedOut(path, task.Timeout!.Value);
            journal.Record(HistoryEventKind.StepFailed, path, step.Attempt, new JsonObject { ["error"] = ToJson(error) });
            throw new WorkflowFailureException(error, path);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            journal.Record(HistoryEventKind.StepCancelled, path, step.Attempt, new JsonObject { ["reason"] = "cancelled" });
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

    /// <summary>
    /// The number of a step's first attempt: 1, unless an enclosing block retried (a step-level <c>retry</c>, a catch
    /// clause's <c>retry</c>) runs it again: then its attempts count on from those of the block's earlier runs, so
    /// that every attempt of a path has its own number (in the history, and for the function that a call invokes).
    /// A step visited again by a jump within one run of its block starts again from the same number.
    /// </summary>
    private int FirstAttempt(string path)
    {
        lock (_attemptsGate)
        {
            return _attemptFloor.GetValueOrDefault(path) + 1;
        }
    }

    /// <summary>Notes that <paramref name="path"/> started (or is about to start) attempt <paramref name="attempt"/>.</summary>
    private void UseAttempt(string path, int attempt)
    {
        lock (_attemptsGate)
        {
            if (attempt > _lastAttempt.GetValueOrDefault(path))
            {
                _lastAttempt[path] = attempt;
            }
        }
    }

    /// <summary>The block at <paramref name="path"/> runs its body again: the steps inside start after their last attempts.</summary>
    private void RerunChildren(string path)
    {
        lock (_attemptsGate)
        {
            foreach (var (child, last) in _lastAttempt)
            {
                // Children are 'path/…' (do, try, fork, catch), 'path[i]/…' (for) and 'path>…' (run).
                if (child.Length > path.Length && child[path.Length] is ('/' or '[' or '>') && child.StartsWith(path, StringComparison.Ordinal))
                {
                    _attemptFloor[child] = last;
                }
            }
        }
    }

    /// <summary>
    /// Waits before the next attempt, after <paramref name="failedTries"/> failed ones under <paramref name="policy"/>
    /// (which decide the delay); the last of them was recorded as attempt <paramref name="failedAttempt"/>.
    /// </summary>
    private async Task BackOffAsync(RetryPolicy policy, int failedTries, string path, int failedAttempt, ErrorInfo error, CancellationToken cancellationToken)
    {
        var delay = policy.DelayAfter(failedTries);
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

    /// <summary>The error of an attempt stopped by its step's own <c>timeout</c>.</summary>
    private static ErrorInfo StepTimedOut(string path, TimeSpan limit) =>
        new(ErrorTypes.Timeout, $"step '{path}' timed out after {Format(limit)}");

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
