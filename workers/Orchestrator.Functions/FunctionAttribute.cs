namespace Orchestrator.Functions;

/// <summary>Names a class that implements <see cref="IFunction{TInput,TOutput}"/> so assembly scanning registers it.</summary>
/// <param name="name">The name workflows use in <c>call:</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FunctionAttribute(string name) : Attribute
{
    /// <summary>The name workflows use in <c>call:</c>.</summary>
    public string Name { get; } = name;
}
