using Orchestrator.Contracts;

namespace Orchestrator.Workers.Registry;

/// <summary>Runs invocations of one function: in-process for C#, through an instance pool for other runtimes.</summary>
public interface IFunctionExecutor
{
    /// <summary>The function's registered name.</summary>
    string Name { get; }

    /// <summary>Runs one invocation. Never throws for the function's own failures: they come back as <see cref="FunctionFailed"/>.</summary>
    Task<InvocationOutcome> ExecuteAsync(InvokeFunction command, CancellationToken cancellationToken);
}
