namespace Orchestrator.Core.Definitions;

/// <summary>The body an <c>emit</c> publishes.</summary>
public enum EmitFormat
{
    /// <summary>A structured-mode CloudEvent (<c>application/cloudevents+json</c>): the default.</summary>
    CloudEvents,

    /// <summary>The event's <c>data</c> alone as plain JSON, for consumers that know nothing of CloudEvents.</summary>
    Json,
}
