using System.Text.Json.Nodes;
using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary><c>echo</c>: returns its input unchanged.</summary>
[Function("echo")]
public sealed class Echo : IFunction<JsonNode?, JsonNode?>
{
    /// <inheritdoc />
    public Task<JsonNode?> InvokeAsync(JsonNode? input, FunctionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(input);
}
