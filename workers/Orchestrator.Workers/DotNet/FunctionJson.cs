using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orchestrator.Contracts;

namespace Orchestrator.Workers.DotNet;

/// <summary>
/// How C# function inputs and outputs map to JSON: web defaults (camelCase, case-insensitive), with the engine's
/// depth limit instead of System.Text.Json's 64, so any value a step may hold binds and serializes. Input binding is
/// strict about nullability: a constructor parameter that is neither nullable (<c>string?</c>, <c>int?</c>) nor
/// optional (has a default value) must be present, and a non-nullable property or parameter must not be given
/// <c>null</c>; otherwise the input does not bind and the step fails with <c>serialization</c>.
/// </summary>
internal static class FunctionJson
{
    public static JsonSerializerOptions Options { get; } = JsonLimits.WithDepth(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RequireNonNullableParameters } },
    });

    /// <summary>
    /// Whether <paramref name="functionType"/>'s <c>InvokeAsync</c> takes a nullable <paramref name="input"/>
    /// (<c>JsonNode?</c>); when it cannot be told, null is let through as before.
    /// </summary>
    public static bool DeclaresNullableInput(Type functionType, Type input)
    {
        var method = functionType.GetMethods().FirstOrDefault(m =>
            m.Name == "InvokeAsync" && m.GetParameters() is { Length: 3 } parameters && parameters[0].ParameterType == input);
        return method is null
            || new System.Reflection.NullabilityInfoContext().Create(method.GetParameters()[0]).WriteState != System.Reflection.NullabilityState.NotNull;
    }

    // RespectRequiredConstructorParameters would also require nullable parameters (record Input(int Ms, string? Label)
    // without a label); only the non-nullable ones without a default value are required here.
    private static void RequireNonNullableParameters(JsonTypeInfo typeInfo)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (property.AssociatedParameter is { HasDefaultValue: false, IsNullable: false })
            {
                property.IsRequired = true;
            }
        }
    }
}
