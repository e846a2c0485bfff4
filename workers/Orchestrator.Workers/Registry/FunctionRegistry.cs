using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Orchestrator.Functions;
using Orchestrator.Workers.DotNet;

namespace Orchestrator.Workers.Registry;

/// <summary>The functions a worker host serves, by name.</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, IFunctionExecutor> _executors = new(StringComparer.Ordinal);

    /// <summary>The registered names, for validation of workflows.</summary>
    public IReadOnlyCollection<string> Names => _executors.Keys;

    /// <summary>Registers an executor under its name; a second one with the same name is an error.</summary>
    public FunctionRegistry Add(IFunctionExecutor executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        if (!_executors.TryAdd(executor.Name, executor))
        {
            throw new InvalidOperationException($"function '{executor.Name}' is registered twice");
        }

        return this;
    }

    /// <summary>Registers a C# function instance under a name.</summary>
    public FunctionRegistry AddFunction<TInput, TOutput>(string name, IFunction<TInput, TOutput> function, TimeProvider? time = null) =>
        Add(new DotNetFunctionExecutor<TInput, TOutput>(name, function, time ?? TimeProvider.System));

    /// <summary>Registers every class marked <see cref="FunctionAttribute"/> in an assembly (public parameterless constructor required).</summary>
    [RequiresUnreferencedCode("Scans the assembly by reflection.")]
    public FunctionRegistry AddAssembly(Assembly assembly, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<FunctionAttribute>() is { } attribute)
            {
                Add(DotNetFunctionExecutorFactory.Create(attribute.Name, type, time ?? TimeProvider.System));
            }
        }

        return this;
    }

    /// <summary>
    /// Prewarms a function by name (see <see cref="IFunctionExecutor.Prewarm"/>): the start going on, or null when
    /// nothing was started (the function is unknown, in-process, or has an instance idle or starting, or is at <c>scale.max</c>).
    /// </summary>
    public Task<PrewarmResult>? Prewarm(string name) => _executors.TryGetValue(name, out var executor) ? executor.Prewarm() : null;

    /// <summary>Finds a function's executor.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out IFunctionExecutor? executor) => _executors.TryGetValue(name, out executor);
}
