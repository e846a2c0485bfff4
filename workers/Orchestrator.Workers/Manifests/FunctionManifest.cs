using Orchestrator.Core.Definitions;

namespace Orchestrator.Workers.Manifests;

/// <summary>A function declared by <c>functions/&lt;name&gt;/function.yaml</c>, validated.</summary>
public sealed record FunctionManifest
{
    /// <summary>Default <see cref="Timeout"/>: 30s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="MemoryBytes"/>: 256Mi.</summary>
    public const long DefaultMemoryBytes = 256L * 1024 * 1024;

    /// <summary>The name workflows call; equal to the folder's name.</summary>
    public required string Name { get; init; }

    /// <summary>The language, hence the adapter that runs it.</summary>
    public required FunctionRuntime Runtime { get; init; }

    /// <summary><c>file:name</c>, the file relative to <see cref="Directory"/>; empty for <see cref="FunctionRuntime.DotNet"/>.</summary>
    public required string Handler { get; init; }

    /// <summary>Absolute path of the folder holding the manifest and the code.</summary>
    public required string Directory { get; init; }

    /// <summary>How long one invocation may run when the caller sets no deadline. Default 30s.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Memory limit per instance in bytes, enforced where the OS allows. Default 256Mi.</summary>
    public long MemoryBytes { get; init; } = DefaultMemoryBytes;

    /// <summary>Resident (default) or one-shot.</summary>
    public ProcessMode Process { get; init; } = ProcessMode.Resident;

    /// <summary>Instance limits and keep-alive.</summary>
    public ScaleSettings Scale { get; init; } = ScaleSettings.Default;

    /// <summary>Environment variables set for the function's code before it loads.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Names of host environment variables passed to the function at init. Their values are never logged.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Where the manifest starts, for diagnostics about the function as a whole.</summary>
    public required SourceLocation Location { get; init; }
}
