using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Interpreter;

/// <summary>One attempt of one step: what it is, what it sees, where it is.</summary>
/// <param name="Task">The step's definition.</param>
/// <param name="Scope">The names it sees.</param>
/// <param name="Path">Where it is in the run.</param>
/// <param name="Attempt">1-based attempt number.</param>
/// <param name="Replayed">When the run is resumed and this attempt ran before: how it went then.</param>
internal sealed record StepContext(TaskDefinition Task, ExpressionScope Scope, string Path, int Attempt, ReplayedAttempt? Replayed = null)
{
    /// <summary>
    /// The attempt now running. A <c>try</c> step whose catch clause retries the block moves it on: each run of the
    /// block is an attempt of the step, recorded as one.
    /// </summary>
    public int Attempt { get; set; } = Attempt;
}
