namespace Orchestrator.Contracts;

/// <summary>Error types the engine and workers raise themselves. User errors carry their own types.</summary>
public static class ErrorTypes
{
    /// <summary>A task, function or workflow ran past its <c>timeout</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary>A Scriban expression failed while the run evaluated it.</summary>
    public const string Expression = "expression";

    /// <summary>The run's input does not satisfy the workflow's <c>input.schema</c>.</summary>
    public const string Validation = "validation";

    /// <summary>A workflow referred to a function that no worker hosts.</summary>
    public const string FunctionNotFound = "function-not-found";

    /// <summary>A function's input could not be bound to its declared type, or its output not serialised.</summary>
    public const string Serialization = "serialization";

    /// <summary>A <c>run</c> task referred to a workflow that is missing or nested too deeply.</summary>
    public const string Workflow = "workflow";

    /// <summary>A secret the workflow declares is not set.</summary>
    public const string Configuration = "configuration";

    /// <summary>The run was cancelled from outside (Ctrl+C, shutdown).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>An <c>emit</c> could not publish its event (the broker refused it or cannot be reached); retryable.</summary>
    public const string Emit = "emit";
}
