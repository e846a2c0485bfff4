namespace Orchestrator.Functions;

/// <summary>
/// A C# function that workflows call by name. Input and output are plain types bound from and to JSON
/// (System.Text.Json, web defaults: camelCase names, case-insensitive binding).
/// </summary>
/// <typeparam name="TInput">What the workflow's <c>with:</c> binds to.</typeparam>
/// <typeparam name="TOutput">What the step's result becomes.</typeparam>
public interface IFunction<in TInput, TOutput>
{
    /// <summary>Runs the function. Honour <paramref name="cancellationToken"/>: it fires on timeout or when the run no longer waits.</summary>
    Task<TOutput> InvokeAsync(TInput input, FunctionContext context, CancellationToken cancellationToken);
}
