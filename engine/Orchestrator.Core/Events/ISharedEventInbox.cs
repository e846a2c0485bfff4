namespace Orchestrator.Core.Events;

/// <summary>
/// An inbox that several engine processes share (PostgreSQL). A message any engine stored is seen by every engine
/// (each polls for new ones), so the run that waits for it receives it wherever it runs; and before a run takes a
/// message it claims it, so two engines never hand one message to two runs.
/// </summary>
public interface ISharedEventInbox : IEventInbox
{
    /// <summary>
    /// Marks <paramref name="messageId"/> as taken by <paramref name="runId"/>, unless another run took it or it was
    /// consumed. The run deletes it with the commit that records the step's result (<see cref="History.RunChanges.Consumed"/>).
    /// </summary>
    /// <returns>Whether the run holds the message now (true again for the run that already holds it).</returns>
    Task<bool> ClaimMessageAsync(long messageId, string runId, CancellationToken cancellationToken);
}
