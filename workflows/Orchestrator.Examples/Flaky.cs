using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary>
/// <c>flaky</c>: fails its first <c>failures</c> attempts with an error of type <c>type</c> (default
/// <c>unavailable</c>), then succeeds. Shows <c>retry</c> and <c>catch</c>.
/// </summary>
[Function("flaky")]
public sealed class Flaky : IFunction<Flaky.Input, Flaky.Output>
{
    /// <summary>How many attempts fail, and with which error type.</summary>
    public sealed record Input(int Failures, string? Type);

    /// <summary>Which attempt finally succeeded.</summary>
    public sealed record Output(int SucceededOnAttempt);

    /// <inheritdoc />
    public Task<Output> InvokeAsync(Input input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Attempt <= input.Failures)
        {
            throw new FunctionException(input.Type ?? "unavailable", $"attempt {context.Attempt} failed on purpose");
        }

        return Task.FromResult(new Output(context.Attempt));
    }
}
