using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary><c>try</c>/<c>catch</c>: the first clause that matches the error's type (and <c>when</c>) handles it.</summary>
internal sealed partial class RunExecution
{
    private async Task<StepOutcome> TryAsync(TryTask task, StepContext step, CancellationToken cancellationToken)
    {
        var retries = new Dictionary<CatchClause, int>();
        while (true)
        {
            WorkflowFailureException failure;
            try
            {
                return Then(await ExecuteListAsync(task.Try, step.Scope, step.Path + "/", cancellationToken).ConfigureAwait(false), task);
            }
            catch (WorkflowFailureException caught)
            {
                failure = caught;
            }

            var error = RunExecution.ToJson(failure.Error);
            error["step"] = failure.Step;
            var clause = task.Catches.FirstOrDefault(c => c.Matches(failure.Error.Type) && (c.When is null || Holds(c, error)));
            if (clause is null)
            {
                throw failure;
            }

            journal.Record(HistoryEventKind.ErrorCaught, step.Path, step.Attempt, new JsonObject { ["error"] = error.DeepClone() });
            var runs = retries.GetValueOrDefault(clause) + 1;
            if (clause.Retry is { } policy && runs < policy.Attempts && (policy.Errors.Count == 0 || policy.Covers(failure.Error.Type, failure.Error.Retryable)))
            {
                retries[clause] = runs;
                await BackOffAsync(policy, runs, step.Path, step.Attempt, failure.Error, cancellationToken).ConfigureAwait(false);

                // Each run of the block is an attempt of the try step, and the steps inside count their attempts on.
                step.Attempt++;
                UseAttempt(step.Path, step.Attempt);
                RerunChildren(step.Path);
                journal.Record(HistoryEventKind.StepStarted, step.Path, step.Attempt, null);
                continue;
            }

            if (clause.Do is null)
            {
                return new StepOutcome(null, task.Then);
            }

            var handlerScope = step.Scope.CreateChild();
            handlerScope.Set(clause.As, error);
            var handled = await ExecuteListAsync(clause.Do, handlerScope, step.Path + "/catch/", cancellationToken).ConfigureAwait(false);
            handlerScope.CopyTo(step.Scope);
            return Then(handled, task);
        }

        bool Holds(CatchClause clause, JsonObject error)
        {
            var scope = step.Scope.CreateChild();
            scope.Set(clause.As, error.DeepClone());
            return Guard(() => clause.When!.EvaluateCondition(scope, cancellationToken), step.Path);
        }
    }
}
