using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Interpreter;

/// <summary><c>run</c>: executes another workflow inside this run, with its own input and names.</summary>
internal sealed partial class RunExecution
{
    /// <summary>Validation rejects cycles; this bounds what it cannot see (versions resolved at run time).</summary>
    private const int MaxSubWorkflowDepth = 16;

    private async Task<StepOutcome> RunSubWorkflowAsync(RunTask task, StepContext step, CancellationToken cancellationToken)
    {
        var workflow = services.Catalog.Find(task.Workflow, task.Version)
            ?? throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Workflow, $"workflow '{task.Workflow}'{(task.Version is null ? "" : " version " + task.Version)} is not loaded", null, Retryable: false), step.Path);
        var depth = step.Path.Count(c => c == '>');
        if (depth >= MaxSubWorkflowDepth)
        {
            throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Workflow, $"sub-workflows nested deeper than {MaxSubWorkflowDepth}", null, Retryable: false), step.Path);
        }

        var input = task.Input is null ? new JsonObject() : Evaluate(task.Input, step, cancellationToken);
        RunInputs.Validate(workflow, input, step.Path);
        var scope = RunInputs.CreateRootScope(workflow, input, journal.Run, services.Secrets, step.Path);

        // '>' marks entry into a sub-workflow in step paths: 'signup>normalize'.
        var outcome = await ExecuteListAsync(workflow.Do, scope, step.Path + ">", cancellationToken).ConfigureAwait(false);
        return new StepOutcome(outcome.Value, task.Then);
    }
}
