using System.Text.Json.Nodes;

namespace Orchestrator.Core.Events;

/// <summary>What a waiting <c>listen</c> accepts: a channel, optionally a CloudEvents type and a correlation value.</summary>
/// <param name="Channel">The channel (queue) it waits on.</param>
/// <param name="EventType">Only messages of this <c>type</c>; null for any.</param>
/// <param name="KeyGroup">Identifies the correlation key expression (listens of one step share it), so that a
/// message's key is read once per expression, not once per waiting run; null when the listen does not correlate.</param>
/// <param name="KeyOf">Reads a message's correlation key (null when it has none or the expression fails).</param>
/// <param name="ExpectedKey">The key this run waits for (see <see cref="EventMessages.KeyText"/>).</param>
internal sealed record ListenFilter(string Channel, string? EventType, object? KeyGroup, Func<JsonObject, string?>? KeyOf, string? ExpectedKey)
{
    public bool AcceptsType(InboxMessage message) =>
        EventType is null || string.Equals(EventType, message.Message["type"]?.ToString(), StringComparison.Ordinal);
}
