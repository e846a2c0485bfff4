using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Workers.DotNet;

/// <summary>
/// How C# function inputs and outputs map to JSON: web defaults (camelCase, case-insensitive), with the engine's
/// depth limit instead of System.Text.Json's 64, so any value a step may hold binds and serializes.
/// </summary>
internal static class FunctionJson
{
    public static JsonSerializerOptions Options { get; } = JsonLimits.WithDepth(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
