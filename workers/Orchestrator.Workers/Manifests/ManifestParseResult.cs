using Orchestrator.Core.Validation;

namespace Orchestrator.Workers.Manifests;

/// <summary>A parsed manifest, or the reasons there is none.</summary>
public sealed record ManifestParseResult(FunctionManifest? Manifest, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when the manifest parsed without any diagnostic.</summary>
    public bool Succeeded => Manifest is not null;
}
