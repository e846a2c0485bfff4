using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts;

namespace Orchestrator.Transport.RabbitMq.Wire;

/// <summary>
/// Source-generated JSON for the contracts: camelCase, nulls left out, payloads and outputs written as the raw JSON
/// they are (a <see cref="System.Text.Json.Nodes.JsonNode"/> serialises as itself, not as an object of its properties).
/// Generated rather than reflected so the hot path pays no metadata cost.
/// </summary>
// MaxDepth: payloads and outputs up to JsonLimits.MaxDepth travel inside these messages (64 by default).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = JsonLimits.MaxDocumentDepth)]
[JsonSerializable(typeof(InvokeFunction))]
[JsonSerializable(typeof(FunctionCompleted))]
[JsonSerializable(typeof(FunctionFailed))]
[JsonSerializable(typeof(CancelInvocation))]
[JsonSerializable(typeof(PrewarmFunction))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
