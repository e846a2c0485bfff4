using System.Text.Json.Nodes;
using Orchestrator.Functions;

namespace Orchestrator.Integration.Tests.Support;

/// <summary><c>add</c>: <c>{ value }</c> → <c>{ value: value + by }</c>.</summary>
internal sealed class AddFunction(int by) : IFunction<JsonObject, JsonObject>
{
    public Task<JsonObject> InvokeAsync(JsonObject input, FunctionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject { ["value"] = input["value"]!.GetValue<int>() + by });
}

/// <summary><c>echo</c>: returns its input; counts its calls.</summary>
internal sealed class EchoFunction : IFunction<JsonNode, JsonNode>
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<JsonNode> InvokeAsync(JsonNode input, FunctionContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(input.DeepClone());
    }
}

/// <summary><c>fail</c>: always throws a typed, non-retryable error.</summary>
internal sealed class FailFunction : IFunction<JsonNode, JsonNode>
{
    public Task<JsonNode> InvokeAsync(JsonNode input, FunctionContext context, CancellationToken cancellationToken) =>
        throw new FunctionException("card-declined", "the card was declined", retryable: false);
}

/// <summary>Blocks until cancelled or released; reports that it started and whether it was cancelled.</summary>
internal sealed class GateFunction(string answer) : IFunction<JsonNode, JsonNode>
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<JsonNode> InvokeAsync(JsonNode input, FunctionContext context, CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        try
        {
            await Release.Task.WaitAsync(cancellationToken);
            return JsonValue.Create(answer)!;
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
            throw;
        }
    }
}
