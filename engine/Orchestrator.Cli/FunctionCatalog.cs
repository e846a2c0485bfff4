using Orchestrator.Examples;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Cli;

/// <summary>The functions the CLI's embedded worker hosts: the C# functions of the example assembly.</summary>
internal static class FunctionCatalog
{
    public static FunctionRegistry Create(TimeProvider? time = null) =>
        new FunctionRegistry().AddAssembly(typeof(ExampleFunctions).Assembly, time);
}
