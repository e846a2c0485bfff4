using System.Text.Json.Nodes;

namespace Orchestrator.Core.Events;

/// <summary>
/// Durable storage of messages that arrived for <c>listen</c> steps and are not consumed yet. A message is added
/// (durably) before its transport acknowledges it, and deleted in the same commit as the run step that consumes it
/// (<see cref="History.RunChanges.Consumed"/>), so a message is neither lost nor consumed twice across a crash.
/// </summary>
public interface IEventInbox
{
    /// <summary>Stores a message; completes when it is durable.</summary>
    /// <returns>Its id.</returns>
    Task<long> AddMessageAsync(string channel, JsonObject message, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Every message not consumed yet, oldest first.</summary>
    Task<IReadOnlyList<InboxMessage>> ListMessagesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes messages no run has consumed (or, with a shared inbox, claimed): an operator's way to clear messages
    /// that no <c>listen</c> will ever match. Ids that are gone already are ignored.
    /// </summary>
    /// <returns>How many messages it deleted.</returns>
    Task<int> DeleteMessagesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}
