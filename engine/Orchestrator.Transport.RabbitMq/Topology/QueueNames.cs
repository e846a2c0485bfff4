namespace Orchestrator.Transport.RabbitMq.Topology;

/// <summary>
/// The names the transport uses on the broker, all under one prefix (default <c>orchestrator</c>) so that several
/// deployments, or tests, can share a broker without seeing each other's messages.
/// </summary>
internal sealed class QueueNames(string prefix)
{
    public string Prefix => prefix;

    /// <summary>The durable queue of one function's invocations; every worker hosting the function consumes it.</summary>
    public string Function(string function) => $"{prefix}.fn.{function}";

    /// <summary>Where a worker puts an invocation message it cannot read.</summary>
    public string FunctionErrors(string function) => $"{prefix}.fn.{function}.error";

    /// <summary>The fanout exchange that carries <c>CancelInvocation</c> and <c>PrewarmFunction</c> to every worker.</summary>
    public string Control => $"{prefix}.control";

    /// <summary>An engine's own reply queue (reply path <c>Queue</c>).</summary>
    public string Replies(string engineId) => $"{prefix}.replies.{engineId}";

    /// <summary>Where a queue trigger puts the messages it refuses.</summary>
    public static string DeadLetters(string triggerQueue) => $"{triggerQueue}.dead";
}
