namespace Orchestrator.Examples;

/// <summary>Marks the assembly that holds the example C# functions, so hosts can scan it.</summary>
public static class ExampleFunctions;
