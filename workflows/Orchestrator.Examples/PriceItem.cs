using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary><c>price-item</c>: prices an order line from a small in-memory catalogue; unknown SKUs fail with <c>unknown-sku</c>.</summary>
[Function("price-item")]
public sealed class PriceItem : IFunction<PriceItem.Input, PriceItem.Output>
{
    private static readonly Dictionary<string, decimal> Prices = new(StringComparer.Ordinal)
    {
        ["book"] = 12.50m,
        ["pen"] = 1.20m,
        ["lamp"] = 30.00m,
        ["desk"] = 150.00m,
    };

    /// <summary>An order line.</summary>
    public sealed record Input(string Sku, int Quantity);

    /// <summary>The priced line.</summary>
    public sealed record Output(string Sku, int Quantity, decimal UnitPrice, decimal Total);

    /// <inheritdoc />
    public Task<Output> InvokeAsync(Input input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Prices.TryGetValue(input.Sku, out var price))
        {
            throw new FunctionException("unknown-sku", $"no price for '{input.Sku}'", retryable: false);
        }

        return Task.FromResult(new Output(input.Sku, input.Quantity, price, price * input.Quantity));
    }
}
