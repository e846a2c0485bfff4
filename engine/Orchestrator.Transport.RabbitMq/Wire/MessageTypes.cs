namespace Orchestrator.Transport.RabbitMq.Wire;

/// <summary>
/// The AMQP <c>type</c> property of each contract message: a reply queue carries both reply kinds, so the consumer
/// picks the record to read by this property rather than by trying one and then the other.
/// </summary>
internal static class MessageTypes
{
    public const string InvokeFunction = "orchestrator.InvokeFunction";
    public const string FunctionCompleted = "orchestrator.FunctionCompleted";
    public const string FunctionFailed = "orchestrator.FunctionFailed";
    public const string CancelInvocation = "orchestrator.CancelInvocation";
    public const string PrewarmFunction = "orchestrator.PrewarmFunction";

    public const string Json = "application/json";
}
