using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>Sees every history event as it is recorded (live progress in the CLI). Must be quick and thread-safe.</summary>
public interface IRunObserver
{
    /// <summary>Called once per recorded event, in order per run.</summary>
    void OnEvent(HistoryEvent historyEvent);
}
