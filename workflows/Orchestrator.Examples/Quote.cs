using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary><c>quote</c>: a shipping carrier's quote after <c>delayMs</c> (a stand-in for a slow remote call). Shows <c>fork</c> with <c>compete</c>.</summary>
[Function("quote")]
public sealed class Quote : IFunction<Quote.Input, Quote.Output>
{
    /// <summary>Which carrier, how slow it is, and the parcel's weight.</summary>
    public sealed record Input(string Carrier, int DelayMs, decimal WeightKg);

    /// <summary>The carrier's price.</summary>
    public sealed record Output(string Carrier, decimal Price);

    /// <inheritdoc />
    public async Task<Output> InvokeAsync(Input input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        await Task.Delay(TimeSpan.FromMilliseconds(input.DelayMs), context.Time, cancellationToken).ConfigureAwait(false);
        return new Output(input.Carrier, 4.90m + (input.WeightKg * 1.5m));
    }
}
