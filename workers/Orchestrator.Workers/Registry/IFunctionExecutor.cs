using Orchestrator.Contracts;

namespace Orchestrator.Workers.Registry;

/// <summary>Runs invocations of one function: in-process for C#, through an instance pool for other runtimes.</summary>
public interface IFunctionExecutor
{
    /// <summary>The function's registered name.</summary>
    string Name { get; }

    /// <summary>Runs one invocation. Never throws for the function's own failures: they come back as <see cref="FunctionFailed"/>.</summary>
    Task<InvocationOutcome> ExecuteAsync(InvokeFunction command, CancellationToken cancellationToken);

    /// <summary>
    /// Acts on a <see cref="PrewarmFunction"/> hint: has one instance ready for the next invocation by starting one in
    /// the background, unless one is idle or starting already or the function is at <c>scale.max</c>. Default: nothing
    /// to prewarm (C# functions run in-process).
    /// </summary>
    /// <returns>The start going on, or null when nothing was started.</returns>
    Task<PrewarmResult>? Prewarm() => null;
}
