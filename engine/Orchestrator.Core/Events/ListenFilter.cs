using System.Text.Json.Nodes;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Events;

/// <summary>What a waiting <c>listen</c> accepts: a channel, optionally a CloudEvents type and a correlation value.</summary>
/// <param name="Channel">The channel (queue) it waits on.</param>
/// <param name="EventType">Only messages of this <c>type</c>; null for any.</param>
/// <param name="Key">The correlation key expression (listens of one step share it, so a message's key is read once
/// per expression, not once per waiting run); null when the listen does not correlate.</param>
/// <param name="ExpectedKey">The key this run waits for (see <see cref="EventMessages.KeyText"/>).</param>
/// <param name="RunId">The waiting run: a message claimed by a run (see <see cref="ISharedEventInbox"/>) goes to that run only.</param>
internal sealed record ListenFilter(string Channel, string? EventType, CompiledExpression? Key, string? ExpectedKey, string RunId)
{
    /// <summary>Whether the message is free for this run: claimed by no run, or by this one.</summary>
    public bool MayTake(InboxMessage message) => message.ClaimedBy is null || string.Equals(message.ClaimedBy, RunId, StringComparison.Ordinal);

    public bool AcceptsType(InboxMessage message) =>
        EventType is null || string.Equals(EventType, message.Message["type"]?.ToString(), StringComparison.Ordinal);

    /// <summary>A message's correlation key under <paramref name="key"/>; null (no match) when the expression fails on it, e.g. a message of another shape.</summary>
    public static string? KeyOf(CompiledExpression key, JsonObject message)
    {
        var scope = new ExpressionScope();
        scope.Set("message", message.DeepClone());
        try
        {
            return EventMessages.KeyText(key.Evaluate(scope, CancellationToken.None));
        }
        catch (ExpressionException)
        {
            return null;
        }
    }
}
