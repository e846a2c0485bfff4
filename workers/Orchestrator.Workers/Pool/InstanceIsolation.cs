namespace Orchestrator.Workers.Pool;

/// <summary>Where adapter instances run.</summary>
public enum InstanceIsolation
{
    /// <summary>Local processes (the default): the interpreters must be installed on the worker.</summary>
    Process,

    /// <summary>One <c>docker run -i --rm</c> container per instance, from the adapter images (adapters/*/Dockerfile).
    /// No stem cells: a container is started for one function folder.</summary>
    Container,
}
