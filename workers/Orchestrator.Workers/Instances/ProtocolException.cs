namespace Orchestrator.Workers.Instances;

/// <summary>An adapter broke protocol v1 (a line that is not a JSON object, an unexpected message): its instance is done.</summary>
internal sealed class ProtocolException(string message) : Exception(message);
