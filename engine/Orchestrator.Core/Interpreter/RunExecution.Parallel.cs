using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Interpreter;

/// <summary><c>fork</c> and <c>for</c>: the tasks that run children concurrently.</summary>
internal sealed partial class RunExecution
{
    private async Task<StepOutcome> ForkAsync(ForkTask fork, StepContext step, CancellationToken cancellationToken)
    {
        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var branches = fork.Branches.Tasks.Select(branch =>
        {
            var scope = step.Scope.CreateChild();
            return (Branch: branch, Scope: scope, Run: RunBranchAsync(branch, scope));
        }).ToList();

        async Task<StepOutcome> RunBranchAsync(TaskDefinition branch, ExpressionScope scope)
        {
            await Task.Yield();
            try
            {
                var outcome = await ExecuteStepAsync(branch, scope, step.Path + "/", siblings.Token).ConfigureAwait(false);
                if (fork.Compete && !outcome.Skipped)
                {
                    // The first branch to succeed wins; the others are cancelled. A skipped branch takes no part.
                    await siblings.CancelAsync().ConfigureAwait(false);
                }

                return outcome;
            }
            catch (WorkflowFailureException) when (!fork.Compete)
            {
                // One failed branch fails the fork: stop the others.
                await siblings.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        await WhenAllSettled(branches.Select(b => b.Run));
        cancellationToken.ThrowIfCancellationRequested();

        if (fork.Compete)
        {
            var winner = branches.FirstOrDefault(b => b.Run.IsCompletedSuccessfully && !b.Run.Result.Skipped);
            if (winner.Run is null)
            {
                if (services.Suspension.Requested)
                {
                    throw new OperationCanceledException("the fork was suspended");
                }

                if (FirstFailure(branches.Select(b => b.Run)) is { } failed)
                {
                    throw failed;
                }

                if (branches.All(b => b.Run.IsCompletedSuccessfully))
                {
                    // Every branch was skipped: no race was run.
                    return new StepOutcome(null, fork.Then);
                }

                throw new OperationCanceledException(cancellationToken);
            }

            winner.Scope.CopyTo(step.Scope);
            return Then(winner.Run.Result, fork);
        }

        if (FirstFailure(branches.Select(b => b.Run)) is { } failure)
        {
            throw failure;
        }

        ThrowIfAnyStopped(branches.Select(b => b.Run));

        var results = new JsonObject();
        foreach (var (branch, scope, run) in branches)
        {
            results[branch.Name] = run.Result.Value?.DeepClone();
            scope.CopyTo(step.Scope);
        }

        // A branch that ended the run (an 'output' task, 'then: end') decides the run's output.
        var ended = branches.Select(b => b.Run.Result).FirstOrDefault(r => r.Ended);
        return ended.Ended ? ended : new StepOutcome(results, fork.Then);
    }

    private async Task<StepOutcome> ForAsync(ForTask loop, StepContext step, CancellationToken cancellationToken)
    {
        var source = Guard(() => loop.In.Evaluate(step.Scope, cancellationToken), step.Path);
        var items = source switch
        {
            null => [],
            JsonArray array => array.ToList(),
            _ => throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Expression, $"'for.in' must yield an array, got {source.GetValueKind().ToString().ToLowerInvariant()}", null, Retryable: false), step.Path),
        };
        var results = new StepOutcome[items.Count];
        if (loop.Concurrency == 1)
        {
            for (var index = 0; index < items.Count; index++)
            {
                results[index] = await IterationAsync(loop, step, items[index], index, cancellationToken).ConfigureAwait(false);
                if (results[index].Ended)
                {
                    return results[index];
                }
            }

            return Collect(results, loop);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(loop.Concurrency);

        // The first iteration to end the run ('output', 'then: end') or to fail decides; the others are cancelled.
        var decided = 0;
        StepOutcome? ended = null;

        async Task IterateAsync(int index)
        {
            await slots.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                var outcome = await IterationAsync(loop, step, items[index], index, stop.Token).ConfigureAwait(false);
                results[index] = outcome;
                if (outcome.Ended && Interlocked.Exchange(ref decided, 1) == 0)
                {
                    ended = outcome;
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (WorkflowFailureException)
            {
                Interlocked.Exchange(ref decided, 1);
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                slots.Release();
            }
        }

        var iterations = Enumerable.Range(0, items.Count).Select(IterateAsync).ToList();
        await WhenAllSettled(iterations);
        cancellationToken.ThrowIfCancellationRequested();
        if (ended is { } end)
        {
            // Failures of iterations it cancelled (one still busy when it ended) do not count.
            return end;
        }

        if (FirstFailure(iterations) is { } failure)
        {
            throw failure;
        }

        ThrowIfAnyStopped(iterations);

        return Collect(results, loop);
    }

    private Task<StepOutcome> IterationAsync(ForTask loop, StepContext step, JsonNode? item, int index, CancellationToken cancellationToken)
    {
        var scope = step.Scope.CreateChild();
        scope.Set(loop.Each, item?.DeepClone());
        scope.Set(loop.At, index);
        return ExecuteListAsync(loop.Do, scope, $"{step.Path}[{index}]/", cancellationToken);
    }

    /// <summary>The loop's result when every iteration ran to its end (one that ended the run returned already).</summary>
    private static StepOutcome Collect(StepOutcome[] results, ForTask loop) =>
        new(new JsonArray([.. results.Select(r => r.Value?.DeepClone())]), loop.Then);

    /// <summary>Waits until every task has finished, failed or been cancelled; the caller inspects them.</summary>
    private static ConfiguredTaskAwaitable WhenAllSettled(IEnumerable<Task> tasks) =>
        Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>A child stopped without its parent being cancelled: the engine is suspending the run.</summary>
    private static void ThrowIfAnyStopped(IEnumerable<Task> tasks)
    {
        if (tasks.FirstOrDefault(t => t.IsCanceled || (t.IsFaulted && t.Exception!.InnerException is OperationCanceledException)) is { } stopped)
        {
            throw new OperationCanceledException("a branch was suspended");
        }
    }

    private static WorkflowFailureException? FirstFailure(IEnumerable<Task> tasks) =>
        tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).OfType<WorkflowFailureException>().FirstOrDefault();
}
