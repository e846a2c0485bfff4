using Orchestrator.Core.Validation;

namespace Orchestrator.Workers.Manifests;

/// <summary>Every valid manifest found in some folders, and the diagnostics of the invalid ones.</summary>
public sealed record FunctionScanResult(IReadOnlyList<FunctionManifest> Manifests, IReadOnlyList<Diagnostic> Diagnostics);
