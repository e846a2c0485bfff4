using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Events;

/// <summary>What an <c>emit</c> step publishes.</summary>
/// <param name="To">The queue, or the routing key when <paramref name="Exchange"/> is set.</param>
/// <param name="Exchange">The exchange; null publishes straight to the queue <paramref name="To"/>.</param>
/// <param name="Format">CloudEvents (the whole event) or JSON (its <c>data</c> alone).</param>
/// <param name="Event">The event: <c>{ specversion, id, type, source, subject?, time, datacontenttype, data }</c>.</param>
public sealed record OutgoingEvent(string To, string? Exchange, EmitFormat Format, JsonObject Event);
