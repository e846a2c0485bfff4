using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Functions;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.DotNet;

/// <summary>Runs a C# function in-process: binds JSON to its input type, awaits it, serialises its output.</summary>
internal sealed class DotNetFunctionExecutor<TInput, TOutput>(string name, IFunction<TInput, TOutput> function, TimeProvider time)
    : IFunctionExecutor
{
    // In-process C# functions are always warm: one shared "instance" per host process.
    private static readonly string InstanceId = $"dotnet-{Environment.ProcessId}";

    // Whether the function declared its input nullable (IFunction<JsonNode?, …>): only then may a null input reach it.
    private readonly bool _acceptsNull = typeof(TInput).IsValueType || FunctionJson.DeclaresNullableInput(function.GetType(), typeof(TInput));

    public string Name => name;

    public async Task<InvocationOutcome> ExecuteAsync(InvokeFunction command, CancellationToken cancellationToken)
    {
        var context = new FunctionContext(command.InvocationId, command.RunId, command.StepPath, command.Attempt, time);
        var started = Stopwatch.GetTimestamp();
        TInput input;
        try
        {
            if (command.Payload is null && !_acceptsNull)
            {
                return Fail(new ErrorInfo(ErrorTypes.Serialization, $"input does not bind to {typeof(TInput).Name}: the input is null (give 'with' an object)", null, Retryable: false));
            }

            input = command.Payload is null ? default! : command.Payload.Deserialize<TInput>(FunctionJson.Options)!;
        }
        catch (JsonException ex)
        {
            return Fail(new ErrorInfo(ErrorTypes.Serialization, $"input does not bind to {typeof(TInput).Name}: {ex.Message}", null, Retryable: false));
        }

        try
        {
            var output = await function.InvokeAsync(input, context, cancellationToken).ConfigureAwait(false);
            return Serialize(output);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(new ErrorInfo(ErrorTypes.Timeout, $"function '{name}' was cancelled", null));
        }
        catch (FunctionException ex)
        {
            return Fail(new ErrorInfo(ex.ErrorType, ex.Message, ex.StackTrace, ex.Retryable));
        }
#pragma warning disable CA1031 // A function's failure of any kind becomes a FunctionFailed reply, never a crashed host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Fail(new ErrorInfo(ex.GetType().Name, ex.Message, ex.StackTrace));
        }

        InvocationOutcome Serialize(TOutput output)
        {
            try
            {
                return new InvocationOutcome(JsonSerializer.SerializeToNode(output, FunctionJson.Options), null, Metrics(), context.Logs);
            }
            catch (JsonException ex)
            {
                // E.g. nested deeper than the options allow: the function ran, its result cannot be a step's value.
                return Fail(new ErrorInfo(ErrorTypes.Serialization, $"the output of function '{name}' cannot be serialised: {ex.Message}", null, Retryable: false));
            }
        }

        InvocationMetrics Metrics() => new(false, 0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, InstanceId);

        InvocationOutcome Fail(ErrorInfo error) => new(null, error, Metrics(), context.Logs);
    }
}
