using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;

namespace Orchestrator.Core.History;

/// <summary>Folds a run's history into one <see cref="StepSummary"/> per step: what a person reading a run wants to see.</summary>
public static class StepTimeline
{
    /// <summary>
    /// One summary per step path, in the order the steps first appear (for steps that ran, the order they first
    /// started). Run-level events are ignored; so is data that does not follow the history conventions.
    /// </summary>
    /// <param name="history">A run's events in sequence order.</param>
    public static IReadOnlyList<StepSummary> Build(IReadOnlyList<HistoryEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new List<StepSummary>();
        var endedAt = new List<DateTimeOffset?>();
        var logs = new List<List<string>>();

        foreach (var e in history)
        {
            if (e.StepPath is not { } path)
            {
                continue;
            }

            if (!index.TryGetValue(path, out var i))
            {
                i = steps.Count;
                index.Add(path, i);
                var lines = new List<string>();
                logs.Add(lines);
                endedAt.Add(null);
                steps.Add(new StepSummary(path, StepStatus.Running, 0, null, null, null, null, null, null, lines));
            }

            var step = steps[i];
            var data = e.Data as JsonObject;
            if (e.Attempt > step.Attempts)
            {
                step = step with { Attempts = e.Attempt };
            }

            switch (e.Kind)
            {
                case HistoryEventKind.StepStarted:
                    // A new attempt: what the previous one produced is no longer the step's outcome.
                    step = step with
                    {
                        Status = StepStatus.Running,
                        StartedAt = step.StartedAt ?? e.Timestamp,
                        Input = data?["input"],
                        Output = null,
                        Error = null,
                        Metrics = null,
                    };
                    endedAt[i] = null;
                    break;

                case HistoryEventKind.StepSkipped:
                    step = step with { Status = StepStatus.Skipped };
                    break;

                case HistoryEventKind.StepCompleted:
                    step = step with { Status = StepStatus.Completed, Output = data?["output"], Error = null, Metrics = ReadMetrics(data) };
                    AddLogs(logs[i], data);
                    endedAt[i] = e.Timestamp;
                    break;

                case HistoryEventKind.StepFailed:
                    step = step with { Status = StepStatus.Failed, Output = null, Error = data?["error"], Metrics = ReadMetrics(data) };
                    AddLogs(logs[i], data);
                    endedAt[i] = e.Timestamp;
                    break;

                case HistoryEventKind.StepRetrying:
                    // The failure was not final: the step goes on.
                    step = step with { Status = StepStatus.Running };
                    endedAt[i] = null;
                    break;

                case HistoryEventKind.StepCancelled:
                    step = step with { Status = StepStatus.Cancelled };
                    endedAt[i] = e.Timestamp;
                    break;

                default:
                    // FunctionInvoked and ErrorCaught tell nothing the summary shows.
                    break;
            }

            steps[i] = step;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is { StartedAt: { } start, Status: StepStatus.Completed or StepStatus.Failed or StepStatus.Cancelled } && endedAt[i] is { } end)
            {
                steps[i] = steps[i] with { Duration = end - start };
            }
        }

        return steps;
    }

    private static void AddLogs(List<string> lines, JsonObject? data)
    {
        if (data?["logs"] is not JsonArray logs)
        {
            return;
        }

        foreach (var line in logs)
        {
            if (line is null)
            {
                continue;
            }

            lines.Add(line.GetValueKind() == JsonValueKind.String ? line.GetValue<string>() : line.ToJsonString());
        }
    }

    private static InvocationMetrics? ReadMetrics(JsonObject? data)
    {
        if (data?["metrics"] is not JsonObject metrics)
        {
            return null;
        }

        var coldStart = metrics["coldStart"] is JsonValue cold && cold.GetValueKind() == JsonValueKind.True;
        var instance = metrics["instanceId"] is JsonValue id && id.GetValueKind() == JsonValueKind.String ? id.GetValue<string>() : "";
        return new InvocationMetrics(coldStart, ReadNumber(metrics["initMs"]), ReadNumber(metrics["durationMs"]), instance);
    }

    private static double ReadNumber(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return 0;
        }

        // A parsed value converts to double directly; one built in code holds whatever CLR number it was given.
        if (value.TryGetValue(out double number))
        {
            return number;
        }

        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
