using Orchestrator.Contracts;

namespace Orchestrator.Workers.Instances;

/// <summary>An instance could not be started or initialised; <see cref="Error"/> is what the invocation reports.</summary>
internal sealed class InstanceStartException(ErrorInfo error, IReadOnlyList<string>? logs = null) : Exception(error.Message)
{
    public ErrorInfo Error { get; } = error;

    /// <summary>What the process wrote on stderr while it started (an import-time print, a traceback).</summary>
    public IReadOnlyList<string> Logs { get; } = logs ?? [];
}
