using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary><c>greet</c>: says hello. Used by <c>workflows/hello</c>.</summary>
[Function("greet")]
public sealed class Greet : IFunction<Greet.Input, Greet.Output>
{
    /// <summary>Who to greet.</summary>
    public sealed record Input(string Name);

    /// <summary>The greeting.</summary>
    public sealed record Output(string Message);

    /// <inheritdoc />
    public Task<Output> InvokeAsync(Input input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        context.Log($"greeting {input.Name}");
        return Task.FromResult(new Output($"Hello, {input.Name}!"));
    }
}
