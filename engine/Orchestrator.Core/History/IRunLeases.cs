namespace Orchestrator.Core.History;

/// <summary>
/// Which engine process drives each unfinished run. A store stamps every run it inserts with its own
/// <see cref="Owner"/> and a lease that the owner renews; a run whose lease expired (its engine died) can be claimed
/// by another engine, which resumes it from its history.
/// </summary>
public interface IRunLeases
{
    /// <summary>This store's process: the owner it writes on the runs it inserts and claims.</summary>
    string Owner { get; }

    /// <summary>How long a lease lasts from an insert, a renewal or a claim.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>Extends the lease of every running run this owner holds to <paramref name="until"/>.</summary>
    Task RenewLeasesAsync(DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over every run still <see cref="RunStatus.Running"/> whose lease ended before <paramref name="now"/>:
    /// sets this owner and a lease until <paramref name="until"/>, atomically, and returns those runs.
    /// </summary>
    Task<IReadOnlyList<RunRecord>> ClaimExpiredRunsAsync(DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>What every store's leases share.</summary>
public static class RunLeases
{
    /// <summary>How long a lease lasts when a store is not told otherwise: a dead engine's runs can be resumed this
    /// long after its last renewal.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);
}
