namespace Orchestrator.Contracts;

/// <summary>
/// Hint: an invocation of <paramref name="Function"/> is probably coming soon (a queue trigger is starting a run
/// whose first step calls it), so a worker hosting it out of process may start an instance now, overlapping the cold
/// start with the run's start. Best effort: a worker that already has an instance idle or starting, is at
/// <c>scale.max</c>, or runs the function in-process ignores it, and a lost hint only costs the cold start it would
/// have saved.
/// </summary>
/// <param name="Function">The function's registered name.</param>
public sealed record PrewarmFunction(string Function);
