using System.Text.Json.Nodes;

namespace Orchestrator.Core.History;

/// <summary>The state of one run as the store keeps it (its history is kept beside it).</summary>
public sealed record RunRecord(
    string Id,
    string Workflow,
    string Version,
    RunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    JsonNode? Input,
    JsonNode? Output,
    JsonNode? Error);
