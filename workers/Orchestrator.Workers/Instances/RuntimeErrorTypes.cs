namespace Orchestrator.Workers.Instances;

/// <summary>
/// Error types the worker reports for out-of-process functions, beside the adapters' own reserved
/// <c>Runtime.*</c> types (adapters/PROTOCOL.md) and <see cref="Contracts.ErrorTypes.Timeout"/>.
/// </summary>
public static class RuntimeErrorTypes
{
    /// <summary>The instance died while it ran the invocation (exit code, signal, out of memory); the message says how.</summary>
    public const string Crashed = "Runtime.Crashed";

    /// <summary>The instance wrote something on stdout that protocol v1 does not allow; it was stopped.</summary>
    public const string ProtocolError = "Runtime.ProtocolError";

    /// <summary>The adapter could not be started: interpreter or adapter missing, or no <c>ready</c> in time.</summary>
    public const string StartFailed = "Runtime.StartFailed";

    /// <summary>The adapter's own type for a function that ended its process (<c>sys.exit</c>, <c>exit()</c>, PHP fatal error).</summary>
    public const string ExitError = "Runtime.ExitError";
}
