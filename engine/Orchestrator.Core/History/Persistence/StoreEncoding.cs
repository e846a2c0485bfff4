using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Events;

namespace Orchestrator.Core.History.Persistence;

/// <summary>
/// How the durable run stores (SQLite, PostgreSQL) write a run's values as column values and read them back, so that
/// every store keeps the same values: stable text names for enums, exact 100 ns integers for time, JSON as text.
/// </summary>
/// <remarks>
/// The names and the tick encoding are part of the stores' on-disk format: changing one here changes what every
/// existing database means. Reading rejects what no version ever wrote with <see cref="InvalidDataException"/>.
/// </remarks>
public static class StoreEncoding
{
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    // Parsing inverts ToName over every member, so the names are listed once, and a member added without a name fails
    // the first use of any store rather than a rare save.
    private static readonly FrozenDictionary<string, RunStatus> RunStatusesByName =
        Enum.GetValues<RunStatus>().ToFrozenDictionary(ToName, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, HistoryEventKind> EventKindsByName =
        Enum.GetValues<HistoryEventKind>().ToFrozenDictionary(ToName, StringComparer.Ordinal);

    /// <summary>100 ns units since 1970-01-01 UTC. The offset is dropped; the instant (what equality compares) is kept.</summary>
    public static long ToTicks(DateTimeOffset value) => value.UtcTicks - UnixEpochTicks;

    /// <summary>The instant <see cref="ToTicks"/> wrote, in UTC.</summary>
    public static DateTimeOffset FromTicks(long value) => new(value + UnixEpochTicks, TimeSpan.Zero);

    // Literal names rather than Enum.ToString(), so renaming a member in code is a compile-visible decision here.

    /// <summary>The stored name of a run status: <c>running</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined status.</exception>
    public static string ToName(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    /// <exception cref="InvalidDataException">Not a name <see cref="ToName(RunStatus)"/> writes.</exception>
    public static RunStatus ParseRunStatus(string name) =>
        RunStatusesByName.TryGetValue(name, out var status)
            ? status
            : throw new InvalidDataException($"Unknown run status '{name}' in the run store.");

    /// <summary>The stored name of a history event kind: the member's name, e.g. <c>StepCompleted</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined kind.</exception>
    public static string ToName(HistoryEventKind kind) => kind switch
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

    /// <exception cref="InvalidDataException">Not a name <see cref="ToName(HistoryEventKind)"/> writes.</exception>
    public static HistoryEventKind ParseEventKind(string name) =>
        EventKindsByName.TryGetValue(name, out var kind)
            ? kind
            : throw new InvalidDataException($"Unknown history event kind '{name}' in the run store.");

    /// <summary>A run from the columns of its <c>runs</c> row, as read (a null column as null).</summary>
    public static RunRecord ToRun(
        string id, string workflow, string version, string status, long startedAt, long? endedAt, string? input, string? output, string? error) => new(
        id,
        workflow,
        version,
        ParseRunStatus(status),
        FromTicks(startedAt),
        endedAt is { } ended ? FromTicks(ended) : null,
        ParseJson(input),
        ParseJson(output),
        ParseJson(error));

    /// <summary>An event from the columns of its <c>history</c> row, as read (a null column as null).</summary>
    public static HistoryEvent ToEvent(string runId, long sequence, long timestamp, string kind, string? stepPath, int attempt, string? data) =>
        new(runId, sequence, FromTicks(timestamp), ParseEventKind(kind), stepPath, attempt, ParseJson(data));

    /// <summary>A message from the columns of its <c>inbox</c> row.</summary>
    /// <exception cref="InvalidDataException">The message is not a JSON object.</exception>
    public static InboxMessage ToMessage(long id, string channel, long receivedAt, string message, string? claimedBy = null) =>
        JsonNode.Parse(message, null, JsonLimits.DocumentOptions) is JsonObject json
            ? new InboxMessage(id, channel, json, FromTicks(receivedAt), claimedBy)
            : throw new InvalidDataException($"Inbox message {id} in the run store is not a JSON object.");

    /// <summary>The JSON text a column holds; a placeholder string when it cannot be parsed.</summary>
    /// <remarks>
    /// Tolerant so that one bad row (nested deeper than <see cref="JsonLimits.MaxDocumentDepth"/>, which versions before
    /// the limit could write, or damaged) does not stop listing runs or showing the rest of a run.
    /// </remarks>
    public static JsonNode? ParseJson(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text, null, JsonLimits.DocumentOptions);
        }
        catch (JsonException ex)
        {
            return JsonValue.Create($"{UnreadablePrefix}{ex.Message})");
        }
    }

    /// <summary>How the placeholder for an unreadable JSON column starts.</summary>
    public const string UnreadablePrefix = "(unreadable JSON in the run store: ";

    /// <summary>JSON text for a column, with the same depth limit <see cref="ParseJson"/> reads with.</summary>
    /// <exception cref="InvalidOperationException">Nested deeper than <see cref="JsonLimits.MaxDocumentDepth"/>: refused
    /// rather than stored unreadable (the engine checks values against <see cref="JsonLimits.MaxDepth"/> before this).</exception>
    public static string ToText(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(JsonLimits.SerializerOptions);
    }
}
