using Orchestrator.Core.Definitions;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>One queue that starts runs of one workflow.</summary>
internal sealed record QueueTrigger(string Queue, WorkflowDefinition Workflow, QueueTriggerOptions Options);
