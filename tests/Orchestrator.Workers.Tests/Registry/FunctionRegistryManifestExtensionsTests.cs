using Orchestrator.Functions;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Tests.Registry;

public sealed class FunctionRegistryManifestExtensionsTests
{
    private static FunctionManifest DotNet(string name) => new()
    {
        Name = name,
        Runtime = FunctionRuntime.DotNet,
        Handler = "",
        Directory = "/functions/" + name,
        Location = new("functions/" + name + "/function.yaml", 1, 1),
    };

    [Fact]
    public async Task AddFunctionFolders_TestFunctions_RegistersEachByName()
    {
        var registry = new FunctionRegistry();

        await using var pools = registry.AddFunctionFolders([TestFunctions.Folder]);

        Assert.Empty(pools.Diagnostics);
        Assert.Equal(10, pools.FunctionNames.Count);
        Assert.Equal(pools.FunctionNames.Order(StringComparer.Ordinal), registry.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AddManifests_DotnetManifest_NeedsARegisteredCSharpFunction()
    {
        var registry = new FunctionRegistry().AddFunction("greet", new Greet());

        await using var pools = registry.AddManifests([DotNet("greet"), DotNet("ghost")]);

        var diagnostic = Assert.Single(pools.Diagnostics).ToString();
        Assert.StartsWith("functions/ghost/function.yaml:1:1: error: function 'ghost' has runtime dotnet, but no C# function of that name is registered", diagnostic, StringComparison.Ordinal);
        Assert.Equal(["greet"], registry.Names);
    }

    [Fact]
    public async Task AddManifests_NameOfACSharpFunction_IsReportedNotRegisteredTwice()
    {
        var registry = new FunctionRegistry().AddFunction("py-echo", new Greet());

        await using var pools = registry.AddManifests([TestFunctions.Manifest("py-echo")]);

        Assert.Contains("function 'py-echo' is already registered", Assert.Single(pools.Diagnostics).Message, StringComparison.Ordinal);
        Assert.Empty(pools.FunctionNames);
    }

    private sealed class Greet : IFunction<string, string>
    {
        public Task<string> InvokeAsync(string input, FunctionContext context, CancellationToken cancellationToken) => Task.FromResult("hi " + input);
    }
}
