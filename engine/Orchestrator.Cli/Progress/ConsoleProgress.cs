using System.Collections.Concurrent;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;

namespace Orchestrator.Cli.Progress;

/// <summary>Live progress on stderr: one line per step as it finishes, with status and duration.</summary>
internal sealed class ConsoleProgress(TextWriter stderr) : IRunObserver
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _started = new(StringComparer.Ordinal);

    public void OnEvent(HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        var step = historyEvent.StepPath;
        switch (historyEvent.Kind)
        {
            case HistoryEventKind.StepStarted when step is not null:
                _started.TryAdd(step, historyEvent.Timestamp);
                break;
            case HistoryEventKind.StepCompleted:
                Write("ok", step, historyEvent, Elapsed(step, historyEvent));
                break;
            case HistoryEventKind.StepFailed:
                var type = historyEvent.Data?["error"]?["type"]?.GetValue<string>();
                Write("failed", step, historyEvent, $"{Elapsed(step, historyEvent)}  {type}");
                break;
            case HistoryEventKind.StepRetrying:
                Write("retrying", step, historyEvent, $"in {historyEvent.Data?["delayMs"]?.GetValue<double>():0.#} ms");
                break;
            case HistoryEventKind.StepSkipped:
                Write("skipped", step, historyEvent, "");
                break;
            case HistoryEventKind.StepCancelled:
                Write("cancelled", step, historyEvent, Elapsed(step, historyEvent));
                break;
            case HistoryEventKind.RunStarted:
                Line($"run {historyEvent.RunId}");
                break;
        }
    }

    private string Elapsed(string? step, HistoryEvent historyEvent) =>
        step is not null && _started.TryRemove(step, out var start)
            ? $"{(historyEvent.Timestamp - start).TotalMilliseconds:0.0} ms"
            : "";

    private void Write(string status, string? step, HistoryEvent historyEvent, string detail)
    {
        var attempt = historyEvent.Attempt > 1 ? $" (attempt {historyEvent.Attempt})" : "";
        Line($"  {status,-9} {step}{attempt}  {detail}".TrimEnd());
    }

    private void Line(string text)
    {
        lock (stderr)
        {
            stderr.WriteLine(text);
        }
    }
}
