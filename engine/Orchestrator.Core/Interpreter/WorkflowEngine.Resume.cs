using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// Durability across engine restarts: runs carry a lease (see <see cref="IRunLeases"/>); an engine renews the leases
/// of its runs, and takes up runs whose lease expired, resuming each from its history.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The distinct channels that the <c>listen</c> steps of <paramref name="catalog"/>'s workflows wait on.</summary>
    public static IReadOnlyList<string> ListenChannels(WorkflowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.All
            .SelectMany(w => w.AllTasks())
            .OfType<ListenTask>()
            .Select(l => l.Channel)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Claims the runs whose lease expired (their engine stopped or died) and resumes each from its history: steps that
    /// ended before are not run again; a call in flight when the engine stopped is sent again (at least once).
    /// </summary>
    /// <returns>The resumed runs; empty when the store keeps no leases.</returns>
    public async Task<IReadOnlyList<StartedRun>> ResumeExpiredRunsAsync(CancellationToken cancellationToken)
    {
        if (_services.Store is not IRunLeases leases)
        {
            return [];
        }

        var now = _services.Time.GetUtcNow();
        var claimed = await leases.ClaimExpiredRunsAsync(now, now + leases.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var resumed = new List<StartedRun>(claimed.Count);
        foreach (var run in claimed)
        {
            resumed.Add(await ResumeAsync(run, leases.Owner, cancellationToken).ConfigureAwait(false));
        }

        return resumed;
    }

    /// <summary>
    /// Until cancelled: renews the leases of this engine's runs every third of the lease, and when
    /// <paramref name="resumeExpired"/> also takes up runs whose lease expired. Never throws (a store error is retried on the next beat).
    /// </summary>
    public async Task KeepLeasesAsync(bool resumeExpired, CancellationToken cancellationToken)
    {
        if (_services.Store is not IRunLeases leases)
        {
            return;
        }

        var beat = leases.LeaseDuration / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(beat, _services.Time, cancellationToken).ConfigureAwait(false);
                await leases.RenewLeasesAsync(_services.Time.GetUtcNow() + leases.LeaseDuration, cancellationToken).ConfigureAwait(false);
                if (resumeExpired)
                {
                    await ResumeExpiredRunsAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store that failed once (a busy file, a dropped connection) is tried again on the next beat.
            }
        }
    }

    /// <summary>Ends the leases of this engine's unfinished runs now, so that the next engine takes them up at once.</summary>
    public Task ReleaseLeasesAsync(CancellationToken cancellationToken) =>
        _services.Store is IRunLeases leases
            ? leases.RenewLeasesAsync(_services.Time.GetUtcNow() - TimeSpan.FromMilliseconds(1), cancellationToken)
            : Task.CompletedTask;

    private async Task<StartedRun> ResumeAsync(RunRecord run, string owner, CancellationToken cancellationToken)
    {
        var history = await _services.Store.GetHistoryAsync(run.Id, cancellationToken).ConfigureAwait(false);
        var journal = new RunJournal(run, _services.Store, _services.Time, _services.Observer, new ReplayLog(history));
        journal.Record(HistoryEventKind.RunResumed, null, 0, new JsonObject { ["owner"] = owner });
        var workflow = _services.Catalog.Find(run.Workflow, run.Version);
        if (workflow is null)
        {
            var error = new ErrorInfo(ErrorTypes.Workflow, $"workflow '{run.Workflow}' version {run.Version} is not loaded here: the run cannot resume", null, Retryable: false);
            return new StartedRun(run.Id, FinishAsync(journal, RunStatus.Failed, null, error, null));
        }

        return new StartedRun(run.Id, DriveAsync(workflow, journal, _services, CancellationToken.None));
    }
}
