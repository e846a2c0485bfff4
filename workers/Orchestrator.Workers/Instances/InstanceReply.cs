using System.Text.Json.Nodes;
using Orchestrator.Contracts;

namespace Orchestrator.Workers.Instances;

/// <summary>What one invocation on an instance produced.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Output">The handler's result when <paramref name="Kind"/> is <see cref="ReplyKind.Result"/>.</param>
/// <param name="Error">The failure otherwise (null for <see cref="ReplyKind.Aborted"/>: the caller knows why it aborted).</param>
/// <param name="DurationMs">The handler's own time when the adapter reported it, else the host's round trip.</param>
/// <param name="Logs">The stderr lines written during the invocation.</param>
/// <param name="NeverStarted">True when the instance certainly did not run the invocation (it was already dead), so
/// running it elsewhere is safe.</param>
internal sealed record InstanceReply(ReplyKind Kind, JsonNode? Output, ErrorInfo? Error, double DurationMs, IReadOnlyList<string> Logs, bool NeverStarted = false);
