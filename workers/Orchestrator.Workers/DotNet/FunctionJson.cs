using System.Text.Json;

namespace Orchestrator.Workers.DotNet;

/// <summary>How C# function inputs and outputs map to JSON: web defaults (camelCase, case-insensitive).</summary>
internal static class FunctionJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
