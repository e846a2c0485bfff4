using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary><c>sleep</c>: waits <c>ms</c> milliseconds (honouring cancellation), then answers. Shows timeouts and races.</summary>
[Function("sleep")]
public sealed class Sleep : IFunction<Sleep.Input, Sleep.Output>
{
    /// <summary>How long to sleep, and a label to return.</summary>
    public sealed record Input(int Ms, string? Label);

    /// <summary>What slept.</summary>
    public sealed record Output(string? Label, int SleptMs);

    /// <inheritdoc />
    public async Task<Output> InvokeAsync(Input input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        await Task.Delay(TimeSpan.FromMilliseconds(input.Ms), context.Time, cancellationToken).ConfigureAwait(false);
        return new Output(input.Label, input.Ms);
    }
}
