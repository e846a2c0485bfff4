using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.History;

namespace Orchestrator.Engine.Reporting;

/// <summary>
/// Renders runs as plain text for a terminal: a table of runs, and one run's details step by step.
/// No colour codes, so the output reads the same in a pipe, a log file or a CI transcript.
/// </summary>
/// <remarks>Times are shown in UTC. JSON longer than <see cref="MaxJsonChars"/> characters is cut, with its full size.</remarks>
public static class RunReportWriter
{
    /// <summary>JSON longer than this (in characters) is truncated with <c>…</c> and its total size.</summary>
    public const int MaxJsonChars = 200;

    // Steps paths wider than this push their own row out rather than widening every row.
    private const int MaxPathColumn = 48;

    private const string StepIndent = "      ";

    private static readonly string[] ListHeader = ["ID", "WORKFLOW", "STATUS", "STARTED (UTC)", "DURATION"];

    private static readonly JsonSerializerOptions CompactJson = JsonLimits.Readable;

    /// <summary>Writes a table of runs: id, workflow@version, status, start (UTC, to the second), duration.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="runs">The runs, in the order to show them (stores list newest first).</param>
    public static void WriteRunList(TextWriter writer, IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            writer.WriteLine("No runs.");
            return;
        }

        var rows = new List<string[]>(runs.Count + 1) { ListHeader };
        foreach (var run in runs)
        {
            rows.Add(
            [
                Clean(run.Id),
                Clean($"{run.Workflow}@{run.Version}"),
                StatusText(run.Status),
                run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                run.EndedAt is { } ended ? FormatDuration(ended - run.StartedAt) : "-",
            ]);
        }

        var widths = new int[5];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear();
            for (var c = 0; c < 4; c++)
            {
                line.Append(row[c].PadRight(widths[c])).Append("  ");
            }

            // Durations right-aligned, so their magnitudes line up.
            line.Append(row[4].PadLeft(widths[4]));
            writer.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>
    /// Writes one run: a header (id, workflow, version, status, start, duration, input, and output or error),
    /// then one block per step (see <see cref="StepTimeline"/>): <c>path  status  attempts  start  duration</c>,
    /// followed by indented lines with its input, output or error, the call's metrics, and its log lines after <c>| </c>.
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="run">The run.</param>
    /// <param name="history">The run's history, in order.</param>
    public static void WriteRunDetails(TextWriter writer, RunRecord run, IReadOnlyList<HistoryEvent> history)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(history);

        WriteField(writer, "Run", Clean(run.Id));
        WriteField(writer, "Workflow", Clean(run.Workflow));
        WriteField(writer, "Version", Clean(run.Version));
        WriteField(writer, "Status", StatusText(run.Status));
        WriteField(writer, "Started", run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC");
        WriteField(writer, "Duration", run.EndedAt is { } ended ? FormatDuration(ended - run.StartedAt) : "- (not finished)");
        WriteField(writer, "Input", run.Input is null ? "(none)" : Json(run.Input));
        if (run.Output is not null)
        {
            WriteField(writer, "Output", Json(run.Output));
        }

        if (run.Error is not null)
        {
            WriteField(writer, "Error", Json(run.Error));
        }

        var steps = StepTimeline.Build(history);
        writer.WriteLine();
        if (steps.Count == 0)
        {
            writer.WriteLine("Steps: none recorded.");
            return;
        }

        writer.WriteLine("Steps:");
        var pathWidth = Math.Min(MaxPathColumn, steps.Max(s => Clean(s.Path).Length));
        var line = new StringBuilder();
        foreach (var step in steps)
        {
            line.Clear()
                .Append("  ")
                .Append(Clean(step.Path).PadRight(pathWidth)).Append("  ")
                .Append(StatusText(step.Status).PadRight(9)).Append("  ")
                .Append(AttemptsText(step.Attempts).PadRight(11)).Append("  ")
                .Append(step.StartedAt is { } start ? start.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "-".PadRight(12)).Append("  ")
                .Append(step.Duration is { } duration ? FormatDuration(duration).PadLeft(9) : "");
            writer.WriteLine(line.ToString().TrimEnd());
            WriteStepDetails(writer, step);
        }
    }

    private static void WriteStepDetails(TextWriter writer, StepSummary step)
    {
        if (step.Input is not null)
        {
            writer.WriteLine($"{StepIndent}input:  {Json(step.Input)}");
        }

        if (step.Output is not null)
        {
            writer.WriteLine($"{StepIndent}output: {Json(step.Output)}");
        }

        if (step.Error is not null)
        {
            writer.WriteLine($"{StepIndent}error:  {Json(step.Error)}");
        }

        if (step.Metrics is { } metrics)
        {
            writer.WriteLine($"{StepIndent}{FormatMetrics(metrics)}");
        }

        foreach (var log in step.Logs)
        {
            // One entry may hold several lines (a stack trace, say): each gets the bar, so the block stays visible.
            foreach (var part in log.Split('\n'))
            {
                writer.WriteLine($"{StepIndent}| {Clean(part.TrimEnd('\r'))}");
            }
        }
    }

    private static string AttemptsText(int attempts) => attempts switch
    {
        0 => "-",
        1 => "1 attempt",
        _ => string.Create(CultureInfo.InvariantCulture, $"{attempts} attempts"),
    };

    private static string FormatMetrics(InvocationMetrics metrics) => string.Create(
        CultureInfo.InvariantCulture,
        $"cold start: {(metrics.ColdStart ? "yes" : "no")}, init: {FormatMs(metrics.InitMs)}, duration: {FormatMs(metrics.DurationMs)}, instance: {(metrics.InstanceId.Length == 0 ? "-" : Clean(metrics.InstanceId))}");

    private static void WriteField(TextWriter writer, string label, string value) =>
        writer.WriteLine($"{label,-9} {value}");

    private static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string StatusText(StepStatus status) => status switch
    {
        StepStatus.Running => "running",
        StepStatus.Completed => "completed",
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "skipped",
        StepStatus.Cancelled => "cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Compact JSON, cut at <see cref="MaxJsonChars"/> with its full size when longer.</summary>
    private static string Json(JsonNode node)
    {
        var json = node.ToJsonString(CompactJson);
        if (json.Length <= MaxJsonChars)
        {
            return json;
        }

        // Never cut between the halves of a surrogate pair.
        var cut = char.IsHighSurrogate(json[MaxJsonChars - 1]) ? MaxJsonChars - 1 : MaxJsonChars;
        return string.Create(CultureInfo.InvariantCulture, $"{json.AsSpan(0, cut)}… ({json.Length:N0} chars)");
    }

    private static string FormatMs(double milliseconds) =>
        milliseconds.ToString(milliseconds < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + " ms";

    private static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            // A clock that stepped back; show it rather than hide it.
            return "-" + FormatDuration(duration.Negate());
        }

        return duration.TotalSeconds switch
        {
            < 1 => FormatMs(duration.TotalMilliseconds),
            < 60 => duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s",
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s"),
            < 86400 => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h {duration.Minutes:00}m"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalDays}d {duration.Hours:00}h"),
        };
    }

    /// <summary>
    /// Replaces control characters in text from runs (ids, paths, log lines) by caret notation (<c>^[</c>), so
    /// nothing a function logs can move the cursor or change colours.
    /// </summary>
    private static string Clean(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == '\t')
            {
                clean.Append("    ");
            }
            else if (c < ' ')
            {
                clean.Append('^').Append((char)(c + '@'));
            }
            else if (c == '\u007f')
            {
                clean.Append("^?");
            }
            else
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }
}
