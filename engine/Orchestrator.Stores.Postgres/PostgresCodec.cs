using Orchestrator.Core.History;

namespace Orchestrator.Stores.Postgres;

/// <summary>
/// How values map to column values, the same as the SQLite store's: stable names for enums, exact 100 ns integers
/// for time (a timestamptz keeps only microseconds, so a DateTimeOffset would not round-trip to the tick).
/// </summary>
internal static class PostgresCodec
{
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>100 ns units since 1970-01-01 UTC. The offset is dropped; the instant (what equality compares) is kept.</summary>
    public static long ToColumn(DateTimeOffset value) => value.UtcTicks - UnixEpochTicks;

    public static DateTimeOffset ToTimestamp(long value) => new(value + UnixEpochTicks, TimeSpan.Zero);

    // Literal names rather than Enum.ToString(), so renaming a member in code is a compile-visible decision here.
    public static string ToColumn(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    public static RunStatus ToRunStatus(string value) => value switch
    {
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "failed" => RunStatus.Failed,
        "cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown run status '{value}' in the PostgreSQL run store."),
    };

    public static string ToColumn(HistoryEventKind kind) => kind switch
    {
        HistoryEventKind.RunStarted => "RunStarted",
        HistoryEventKind.StepStarted => "StepStarted",
        HistoryEventKind.StepSkipped => "StepSkipped",
        HistoryEventKind.FunctionInvoked => "FunctionInvoked",
        HistoryEventKind.StepCompleted => "StepCompleted",
        HistoryEventKind.StepFailed => "StepFailed",
        HistoryEventKind.StepRetrying => "StepRetrying",
        HistoryEventKind.StepCancelled => "StepCancelled",
        HistoryEventKind.ErrorCaught => "ErrorCaught",
        HistoryEventKind.RunCompleted => "RunCompleted",
        HistoryEventKind.RunFailed => "RunFailed",
        HistoryEventKind.RunCancelled => "RunCancelled",
        HistoryEventKind.RunSuspended => "RunSuspended",
        HistoryEventKind.RunResumed => "RunResumed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown history event kind."),
    };

    public static HistoryEventKind ToEventKind(string value) => value switch
    {
        "RunStarted" => HistoryEventKind.RunStarted,
        "StepStarted" => HistoryEventKind.StepStarted,
        "StepSkipped" => HistoryEventKind.StepSkipped,
        "FunctionInvoked" => HistoryEventKind.FunctionInvoked,
        "StepCompleted" => HistoryEventKind.StepCompleted,
        "StepFailed" => HistoryEventKind.StepFailed,
        "StepRetrying" => HistoryEventKind.StepRetrying,
        "StepCancelled" => HistoryEventKind.StepCancelled,
        "ErrorCaught" => HistoryEventKind.ErrorCaught,
        "RunCompleted" => HistoryEventKind.RunCompleted,
        "RunFailed" => HistoryEventKind.RunFailed,
        "RunCancelled" => HistoryEventKind.RunCancelled,
        "RunSuspended" => HistoryEventKind.RunSuspended,
        "RunResumed" => HistoryEventKind.RunResumed,
        _ => throw new InvalidDataException($"Unknown history event kind '{value}' in the PostgreSQL run store."),
    };
}
