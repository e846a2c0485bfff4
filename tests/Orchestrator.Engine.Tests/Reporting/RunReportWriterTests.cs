using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Engine.Reporting;

namespace Orchestrator.Engine.Tests.Reporting;

public sealed class RunReportWriterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    [Fact]
    public void WriteRunList_Runs_OneAlignedRowEachWithUtcStartAndDuration()
    {
        RunRecord[] runs =
        [
            new("3f2a9c1b", "orders", "1.2.0", RunStatus.Completed, T0.AddMilliseconds(999), T0.AddSeconds(2.25), null, null, null),
            new("a1", "billing", "2.0.0", RunStatus.Running, new DateTimeOffset(2026, 3, 14, 17, 0, 0, TimeSpan.FromHours(2)), null, null, null, null),
        ];

        var lines = Lines(w => RunReportWriter.WriteRunList(w, runs));

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^3f2a9c1b\s+orders@1\.2\.0\s+completed\s+2026-03-14 15:09:26\s+1\.25 s$", lines[1]);
        Assert.Matches(@"^a1\s+billing@2\.0\.0\s+running\s+2026-03-14 15:00:00\s+-$", lines[2]);

        // Columns line up: every row puts the workflow at the same column.
        Assert.Equal(lines[1].IndexOf("orders", StringComparison.Ordinal), lines[2].IndexOf("billing", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteRunList_NoRuns_SaysSo()
    {
        Assert.Equal(["No runs."], Lines(w => RunReportWriter.WriteRunList(w, [])));
    }

    [Fact]
    public void WriteRunDetails_CallStep_ShowsRowInputOutputMetricsAndLogs()
    {
        var run = new RunRecord("run-1", "orders", "1.2.0", RunStatus.Completed, T0, T0.AddMilliseconds(480),
            JsonNode.Parse("""{"sku":"tea"}"""), JsonNode.Parse("""{"total":12.5}"""), null);
        HistoryEvent[] history =
        [
            new("run-1", 1, T0, HistoryEventKind.RunStarted, null, 0, JsonNode.Parse("""{"input":{"sku":"tea"}}""")),
            new("run-1", 2, T0.AddMilliseconds(5), HistoryEventKind.StepStarted, "price", 1, JsonNode.Parse("""{"input":{"sku":"tea","quantity":2}}""")),
            new("run-1", 3, T0.AddMilliseconds(6), HistoryEventKind.FunctionInvoked, "price", 1, JsonNode.Parse("""{"function":"price-item","invocationId":"i-1"}""")),
            new("run-1", 4, T0.AddMilliseconds(455), HistoryEventKind.StepCompleted, "price", 1, JsonNode.Parse(
                """{"output":{"total":12.5},"metrics":{"coldStart":true,"initMs":412.25,"durationMs":3.5,"instanceId":"python-1"},"logs":["pricing tea","done\nreally"]}""")),
            new("run-1", 5, T0.AddMilliseconds(460), HistoryEventKind.StepSkipped, "notify/email", 0, new JsonObject()),
            new("run-1", 6, T0.AddMilliseconds(480), HistoryEventKind.RunCompleted, null, 0, JsonNode.Parse("""{"output":{"total":12.5}}""")),
        ];

        var lines = Lines(w => RunReportWriter.WriteRunDetails(w, run, history));

        Assert.Contains("Run       run-1", lines);
        Assert.Contains("Status    completed", lines);
        Assert.Contains("Started   2026-03-14 15:09:26.000 UTC", lines);
        Assert.Contains("Duration  480 ms", lines);
        Assert.Contains("""Output    {"total":12.5}""", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  price\s+completed\s+1 attempt\s+15:09:26\.005\s+450 ms$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  notify/email\s+skipped\s+-\s+-$"));
        Assert.Contains("""      input:  {"sku":"tea","quantity":2}""", lines);
        Assert.Contains("""      output: {"total":12.5}""", lines);
        Assert.Contains("      cold start: yes, init: 412.3 ms, duration: 3.5 ms, instance: python-1", lines);
        Assert.Contains("      | pricing tea", lines);
        Assert.Contains("      | done", lines);
        Assert.Contains("      | really", lines);
    }

    [Fact]
    public void WriteRunDetails_FailedRetriedStep_ShowsAttemptsAndError()
    {
        var error = JsonNode.Parse("""{"type":"unknown-sku","message":"no such sku","retryable":false}""");
        var run = new RunRecord("run-2", "orders", "1", RunStatus.Failed, T0, T0.AddSeconds(3), null, null, error);
        HistoryEvent[] history =
        [
            new("run-2", 1, T0, HistoryEventKind.StepStarted, "price", 1, null),
            new("run-2", 2, T0.AddSeconds(1), HistoryEventKind.StepFailed, "price", 1, JsonNode.Parse("""{"error":{"type":"Flaky","message":"again"}}""")),
            new("run-2", 3, T0.AddSeconds(1), HistoryEventKind.StepRetrying, "price", 1, JsonNode.Parse("""{"delayMs":1000,"nextAttempt":2}""")),
            new("run-2", 4, T0.AddSeconds(2), HistoryEventKind.StepStarted, "price", 2, null),
            new("run-2", 5, T0.AddSeconds(2.5), HistoryEventKind.StepFailed, "price", 2, JsonNode.Parse("""{"error":{"type":"unknown-sku","message":"no such sku","retryable":false}}""")),
        ];

        var lines = Lines(w => RunReportWriter.WriteRunDetails(w, run, history));

        Assert.Contains("Input     (none)", lines);
        Assert.Contains("""Error     {"type":"unknown-sku","message":"no such sku","retryable":false}""", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  price\s+failed\s+2 attempts\s+15:09:26\.000\s+2\.50 s$"));
        Assert.Contains("""      error:  {"type":"unknown-sku","message":"no such sku","retryable":false}""", lines);
    }

    [Fact]
    public void WriteRunDetails_LongJson_TruncatedWithEllipsisAndTotalSize()
    {
        var big = new JsonObject { ["text"] = new string('x', 5000) };
        var run = new RunRecord("run-3", "w", "1", RunStatus.Completed, T0, T0.AddSeconds(1), big, null, null);

        var lines = Lines(w => RunReportWriter.WriteRunDetails(w, run, []));

        var input = Assert.Single(lines, l => l.StartsWith("Input", StringComparison.Ordinal));
        var json = big.ToJsonString();
        Assert.Equal($"Input     {json[..200]}… (5,011 chars)", input);
    }

    [Fact]
    public void WriteRunDetails_LogWithControlCharacters_CannotDriveTheTerminal()
    {
        var run = new RunRecord("run-4", "w", "1", RunStatus.Completed, T0, T0.AddSeconds(1), null, null, null);
        HistoryEvent[] history =
        [
            new("run-4", 1, T0, HistoryEventKind.StepStarted, "a", 1, null),
            new("run-4", 2, T0, HistoryEventKind.StepCompleted, "a", 1, JsonNode.Parse("""{"output":"\u001b[2J","logs":["\u001b[31mred\u001b[0m"]}""")),
        ];

        var text = string.Join('\n', Lines(w => RunReportWriter.WriteRunDetails(w, run, history)));

        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("      | ^[[31mred^[[0m", text, StringComparison.Ordinal);
    }

    private static string[] Lines(Action<TextWriter> write)
    {
        using var writer = new StringWriter();
        write(writer);
        return writer.ToString().Split(Environment.NewLine)[..^1];
    }
}
