using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Interpreter;

/// <summary>Starting a run without waiting for its end: what triggers need to acknowledge a message safely.</summary>
public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Starts a run of <paramref name="workflow"/> and returns once the run's first commit is durable (its start, and
    /// everything up to its first wait, is in the store); the run goes on in the background.
    /// </summary>
    /// <param name="workflow">The workflow to run.</param>
    /// <param name="input">The run's input. Check it first with <see cref="InputValidator"/> when a bad input should
    /// not become a failed run.</param>
    /// <param name="runId">The run's id; null for a fresh time-ordered one. A trigger passes an id derived from a
    /// message's correlation value so that a redelivered message finds its run in the store.</param>
    /// <param name="cancellationToken">Stops the start and, after it, the run (which then ends as cancelled).</param>
    /// <returns>The run's id and its completion.</returns>
    /// <exception cref="Exception">The store refused the first commit (the run did not durably start).</exception>
    public async Task<StartedRun> StartAsync(WorkflowDefinition workflow, JsonNode? input, string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        runId ??= NewRunId(_services.Time);
        var signal = new FirstCommitSignal(_services.Store);
        var completion = RunCoreAsync(workflow, input, runId, _services with { Store = signal }, cancellationToken);

        // A run commits before its first wait and again when it ends, so the first commit always comes before the
        // end; a run that ends first has failed before committing (it rethrows here), and a refused commit rethrows too.
        await Task.WhenAny(signal.Committed, completion).ConfigureAwait(false);
        if (!signal.Committed.IsCompleted)
        {
            await completion.ConfigureAwait(false);
        }

        await signal.Committed.ConfigureAwait(false);
        return new StartedRun(runId, completion);
    }
}
