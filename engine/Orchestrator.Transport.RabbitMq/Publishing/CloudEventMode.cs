namespace Orchestrator.Transport.RabbitMq.Publishing;

/// <summary>How a CloudEvent is put in a message.</summary>
public enum CloudEventMode
{
    /// <summary>The whole event as JSON in the body, content type <c>application/cloudevents+json</c>.</summary>
    Structured,

    /// <summary>Attributes in <c>ce-*</c> headers, the data alone as the body.</summary>
    Binary,
}
