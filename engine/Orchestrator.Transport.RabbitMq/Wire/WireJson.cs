using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orchestrator.Contracts;

namespace Orchestrator.Transport.RabbitMq.Wire;

/// <summary>Reads and writes the contract records as UTF-8 JSON message bodies.</summary>
internal static class WireJson
{
    public static byte[] Serialize(InvokeFunction message) => Write(message, WireJsonContext.Default.InvokeFunction);

    public static byte[] Serialize(FunctionCompleted message) => Write(message, WireJsonContext.Default.FunctionCompleted);

    public static byte[] Serialize(FunctionFailed message) => Write(message, WireJsonContext.Default.FunctionFailed);

    public static byte[] Serialize(CancelInvocation message) => Write(message, WireJsonContext.Default.CancelInvocation);

    public static byte[] Serialize(PrewarmFunction message) => Write(message, WireJsonContext.Default.PrewarmFunction);

    /// <summary>Reads an invocation; null with <paramref name="error"/> set when the body is not one.</summary>
    public static InvokeFunction? TryReadInvokeFunction(ReadOnlySpan<byte> body, out string? error)
    {
        var message = TryRead(body, WireJsonContext.Default.InvokeFunction, out error);
        if (message is null)
        {
            return null;
        }

        // Positional records accept missing members as null; an invocation without these cannot be served or answered.
        if (string.IsNullOrEmpty(message.InvocationId) || string.IsNullOrEmpty(message.Function) || message.RunId is null || message.StepPath is null)
        {
            error = "InvokeFunction needs invocationId, runId, stepPath and function";
            return null;
        }

        return message;
    }

    public static FunctionCompleted? TryReadFunctionCompleted(ReadOnlySpan<byte> body, out string? error)
    {
        var message = TryRead(body, WireJsonContext.Default.FunctionCompleted, out error);
        if (message is null || string.IsNullOrEmpty(message.InvocationId))
        {
            error ??= "FunctionCompleted needs invocationId";
            return null;
        }

        return message.Metrics is null ? message with { Metrics = InvocationMetrics.None } : message;
    }

    public static FunctionFailed? TryReadFunctionFailed(ReadOnlySpan<byte> body, out string? error)
    {
        var message = TryRead(body, WireJsonContext.Default.FunctionFailed, out error);
        if (message is null || string.IsNullOrEmpty(message.InvocationId) || message.Error is null)
        {
            error ??= "FunctionFailed needs invocationId and error";
            return null;
        }

        return message.Metrics is null ? message with { Metrics = InvocationMetrics.None } : message;
    }

    public static CancelInvocation? TryReadCancelInvocation(ReadOnlySpan<byte> body, out string? error)
    {
        var message = TryRead(body, WireJsonContext.Default.CancelInvocation, out error);
        if (message is null || string.IsNullOrEmpty(message.InvocationId))
        {
            error ??= "CancelInvocation needs invocationId";
            return null;
        }

        return message;
    }

    public static PrewarmFunction? TryReadPrewarmFunction(ReadOnlySpan<byte> body, out string? error)
    {
        var message = TryRead(body, WireJsonContext.Default.PrewarmFunction, out error);
        if (message is null || string.IsNullOrEmpty(message.Function))
        {
            error ??= "PrewarmFunction needs function";
            return null;
        }

        return message;
    }

    private static byte[] Write<T>(T message, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(message, type);

    private static T? TryRead<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type, out string? error)
        where T : class
    {
        try
        {
            var message = JsonSerializer.Deserialize(body, type);
            error = message is null ? "the body is JSON null" : null;
            return message;
        }
        catch (JsonException ex)
        {
            error = $"the body is not a valid {typeof(T).Name}: {ex.Message}";
            return null;
        }
        catch (ArgumentNullException ex)
        {
            // A record whose non-nullable member came as null (e.g. "error": null) fails in its constructor.
            error = $"the body is not a valid {typeof(T).Name}: {ex.Message}";
            return null;
        }
    }
}
