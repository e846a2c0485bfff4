using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// Starts and drives runs. Every transition is recorded in the run's history and committed to the store
/// before the run waits; function calls leave as <see cref="InvokeFunction"/> messages through the broker.
/// </summary>
public sealed partial class WorkflowEngine : IDisposable
{
    private readonly EngineServices _services;
    private readonly RunSuspension _suspension = new();

    /// <summary>Creates an engine.</summary>
    /// <param name="catalog">The loaded workflows (for <c>run</c> tasks).</param>
    /// <param name="broker">Sends invocations and matches replies.</param>
    /// <param name="store">Where runs and history are committed.</param>
    /// <param name="time">The clock; tests pass a fake one.</param>
    /// <param name="secrets">Reads a secret by name; default: environment variables.</param>
    /// <param name="random">Source of jitter in [0, 1); default <see cref="Random.Shared"/>.</param>
    /// <param name="observer">Sees events as they are recorded.</param>
    /// <param name="events">Where <c>emit</c> publishes; default: this engine's own <see cref="Events"/> hub.</param>
    public WorkflowEngine(
        WorkflowCatalog catalog,
        InvocationBroker broker,
        IRunStore store,
        TimeProvider? time = null,
        Func<string, string?>? secrets = null,
        Func<double>? random = null,
        IRunObserver? observer = null,
        IEventPublisher? events = null)
    {
        time ??= TimeProvider.System;
        Events = store is IEventInbox inbox ? new EventHub(inbox, time) : null;
        _services = new EngineServices(
            catalog,
            broker,
            store,
            time,
            secrets ?? Environment.GetEnvironmentVariable,
            random ?? Random.Shared.NextDouble,
            observer,
            Events,
            events ?? (Events is null ? null : new LocalEventPublisher(Events)),
            _suspension);
    }

    /// <summary>Where messages for <c>listen</c> steps arrive; null when the store keeps no inbox.</summary>
    public EventHub? Events { get; }

    /// <summary>
    /// Stops the runs that are in a durable wait (<c>listen</c>, <c>wait</c>, a retry's delay) where they are: they stay
    /// running in the store and resume from their history on the next engine start (see <see cref="ResumeExpiredRunsAsync"/>).
    /// Their completions end with status <see cref="RunStatus.Running"/>.
    /// </summary>
    public void SuspendWaitingRuns() => _suspension.SuspendWaits();

    /// <summary>Stops every run where it is, as <see cref="SuspendWaitingRuns"/> does; calls in flight are sent again on resume.</summary>
    public void SuspendAllRuns() => _suspension.SuspendAll();

    /// <inheritdoc />
    public void Dispose()
    {
        _suspension.Dispose();
        Events?.Dispose();
    }

    /// <summary>Runs <paramref name="workflow"/> to its end and returns how it ended. Never throws for workflow errors.</summary>
    public Task<RunResult> RunAsync(WorkflowDefinition workflow, JsonNode? input, CancellationToken cancellationToken = default) =>
        RunCoreAsync(workflow, input, null, _services, cancellationToken);

    // runId and services are StartAsync's seams (WorkflowEngine.Start.cs): a caller-chosen id, a store that reports the first commit.
    private Task<RunResult> RunCoreAsync(WorkflowDefinition workflow, JsonNode? input, string? runId, EngineServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var time = services.Time;

        // An input too deep for any store to read back is left out of the run; the run then fails its validation.
        var rejected = RunInputs.CheckDepth(input);
        var kept = rejected is null ? input : null;
        var run = new RunRecord(runId ?? NewRunId(time), workflow.Name, workflow.Version, RunStatus.Running, time.GetUtcNow(), null, kept?.DeepClone(), null, null);
        var journal = new RunJournal(run, services.Store, time, services.Observer);
        journal.Record(HistoryEventKind.RunStarted, null, 0, new JsonObject { ["input"] = kept?.DeepClone() });
        return DriveAsync(workflow, journal, services, cancellationToken, rejected);
    }

    private static string NewRunId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>Executes a run from its start (a resumed one replays its history first) until it ends or is suspended.</summary>
    private async Task<RunResult> DriveAsync(WorkflowDefinition workflow, RunJournal journal, EngineServices services, CancellationToken cancellationToken, ErrorInfo? rejectedInput = null)
    {
        var run = journal.Run;

        // The workflow's limit counts from the run's start, also across a resume.
        using var deadline = workflow.Timeout is { } limit ? LongTimers.CancelAfter(RunExecution.Remaining(limit, run.StartedAt, services.Time), services.Time) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None, services.Suspension.All);
        var token = linked.Token;
        try
        {
            if (rejectedInput is not null)
            {
                throw new WorkflowFailureException(rejectedInput, null);
            }

            RunInputs.Validate(workflow, run.Input, null);
            var scope = RunInputs.CreateRootScope(workflow, run.Input, run, services.Secrets, null);
            var outcome = await new RunExecution(journal, services).ExecuteListAsync(workflow.Do, scope, "", token).ConfigureAwait(false);
            return await FinishAsync(journal, RunStatus.Completed, outcome.Value, null, null).ConfigureAwait(false);
        }
        catch (WorkflowFailureException failure)
        {
            return await FinishAsync(journal, RunStatus.Failed, null, failure.Error, failure.Step).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (services.Suspension.Requested && !cancellationToken.IsCancellationRequested)
        {
            journal.Record(HistoryEventKind.RunSuspended, null, 0, null);
            await journal.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return new RunResult(run.Id, RunStatus.Running, null, null, null);
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            var error = new ErrorInfo(ErrorTypes.Timeout, $"workflow '{workflow.Name}' timed out after {RunExecution.Format(workflow.Timeout!.Value)}", null, Retryable: false);
            return await FinishAsync(journal, RunStatus.Failed, null, error, null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var error = new ErrorInfo(ErrorTypes.Cancelled, "the run was cancelled", null, Retryable: false);
            return await FinishAsync(journal, RunStatus.Cancelled, null, error, null).ConfigureAwait(false);
        }
    }

    private async Task<RunResult> FinishAsync(RunJournal journal, RunStatus status, JsonNode? output, ErrorInfo? error, string? step)
    {
        JsonObject? errorJson = null;
        if (error is not null)
        {
            errorJson = RunExecution.ToJson(error);
            errorJson["step"] = step;
        }

        var kind = status switch
        {
            RunStatus.Completed => HistoryEventKind.RunCompleted,
            RunStatus.Cancelled => HistoryEventKind.RunCancelled,
            _ => HistoryEventKind.RunFailed,
        };
        journal.Record(kind, null, 0, status == RunStatus.Completed
            ? new JsonObject { ["output"] = output?.DeepClone() }
            : new JsonObject { ["error"] = errorJson?.DeepClone() });
        var ended = _services.Time.GetUtcNow();
        journal.Update(run => run with { Status = status, EndedAt = ended, Output = output?.DeepClone(), Error = errorJson });

        // The final commit must land even when the run was cancelled.
        await journal.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return new RunResult(journal.Run.Id, status, output, error, step);
    }
}
