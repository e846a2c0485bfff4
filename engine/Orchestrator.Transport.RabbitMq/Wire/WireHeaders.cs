namespace Orchestrator.Transport.RabbitMq.Wire;

/// <summary>Headers the transport adds to messages it sets aside, so an operator can see why without the logs.</summary>
internal static class WireHeaders
{
    /// <summary>Why a message went to an error or dead-letter queue.</summary>
    public const string Reason = "x-orchestrator-reason";

    /// <summary>The queue the message was taken from.</summary>
    public const string SourceQueue = "x-orchestrator-queue";

    /// <summary>The workflow whose trigger refused the message.</summary>
    public const string Workflow = "x-orchestrator-workflow";

    /// <summary>When it was set aside (ISO 8601).</summary>
    public const string SetAsideAt = "x-orchestrator-at";
}
