namespace Orchestrator.Core.Definitions;

/// <summary>
/// A task's <c>retry:</c>: how many attempts in all, and how long to wait between them.
/// Delay before attempt n+1: constant = delay; linear = delay × n; exponential = delay × 2^(n-1);
/// capped at <see cref="MaxDelay"/>; with jitter a random value in [delay/2, delay].
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Total attempts including the first. Default 3.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>How delays grow. Default constant.</summary>
    public BackoffKind Backoff { get; init; } = BackoffKind.Constant;

    /// <summary>The base delay. Default 1s.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound for any delay. Default none.</summary>
    public TimeSpan? MaxDelay { get; init; }

    /// <summary>Randomise delays to spread retries of many runs. Default false.</summary>
    public bool Jitter { get; init; }

    /// <summary>Retry only errors of these types; empty retries every retryable error.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/> (1-based), before jitter.</summary>
    public TimeSpan DelayAfter(int failedAttempt)
    {
        var factor = Backoff switch
        {
            BackoffKind.Linear => failedAttempt,
            BackoffKind.Exponential => Math.Pow(2, Math.Min(failedAttempt - 1, 62)),
            _ => 1d,
        };
        var ticks = Math.Min(Delay.Ticks * factor, TimeSpan.MaxValue.Ticks);
        var delay = TimeSpan.FromTicks((long)ticks);
        return MaxDelay is { } max && delay > max ? max : delay;
    }

    /// <summary>Whether an error of <paramref name="errorType"/> may be retried by this policy.</summary>
    public bool Covers(string errorType, bool retryable) =>
        Errors.Count == 0 ? retryable : Errors.Contains(errorType, StringComparer.Ordinal) || Errors.Contains("*", StringComparer.Ordinal);
}
