using System.Text.Json.Nodes;

namespace Orchestrator.Core.Events;

/// <summary>A message that arrived on a channel and no run has consumed yet.</summary>
/// <param name="Id">The store's id for it; a run that consumes it deletes it in the same commit.</param>
/// <param name="Channel">The channel (queue) it arrived on.</param>
/// <param name="Message">The message as an event object: <c>{ id, type, source, subject, time, datacontenttype, data }</c>.</param>
/// <param name="ReceivedAt">When it was stored.</param>
/// <param name="ClaimedBy">In a store shared by engines (<see cref="ISharedEventInbox"/>): the run that took it and has
/// not committed it yet; only that run may take it again (after a resume). Null when no run took it.</param>
public sealed record InboxMessage(long Id, string Channel, JsonObject Message, DateTimeOffset ReceivedAt, string? ClaimedBy = null);
