using Orchestrator.Core.Definitions;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>One queue that starts runs of one workflow.</summary>
internal sealed record QueueTrigger(string Queue, WorkflowDefinition Workflow, QueueTriggerOptions Options)
{
    /// <summary>
    /// The function the workflow's first step calls (when the first task of its top-level <c>do</c> is a
    /// <c>call</c>), prewarmed as a message arrives; null otherwise: deeper first steps are not guessed at.
    /// </summary>
    public string? FirstFunction { get; } = Workflow.Do.Tasks is [CallTask call, ..] ? call.Function : null;
}
