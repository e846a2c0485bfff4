using System.Diagnostics.CodeAnalysis;
using Orchestrator.Functions;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.DotNet;

/// <summary>Builds a typed executor for a function class found by reflection.</summary>
internal static class DotNetFunctionExecutorFactory
{
    [RequiresUnreferencedCode("Creates generic types by reflection.")]
    public static IFunctionExecutor Create(string name, Type functionType, TimeProvider time)
    {
        var contract = functionType.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IFunction<,>))
            ?? throw new InvalidOperationException($"{functionType.FullName} is marked [Function(\"{name}\")] but does not implement IFunction<TInput, TOutput>");
        var instance = Activator.CreateInstance(functionType)
            ?? throw new InvalidOperationException($"could not create {functionType.FullName}");
        var executorType = typeof(DotNetFunctionExecutor<,>).MakeGenericType(contract.GetGenericArguments());
        return (IFunctionExecutor)Activator.CreateInstance(executorType, name, instance, time)!;
    }
}
