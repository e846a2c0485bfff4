namespace Orchestrator.Workers.Manifests;

/// <summary>How long one adapter process lives, from the manifest's <c>process</c>.</summary>
public enum ProcessMode
{
    /// <summary>The default: an instance serves invocations one after another until it idles out.</summary>
    Resident,

    /// <summary>A fresh instance per invocation, stopped after its reply (nothing leaks between invocations).</summary>
    OneShot,
}
