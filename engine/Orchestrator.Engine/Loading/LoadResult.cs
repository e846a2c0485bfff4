using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;

namespace Orchestrator.Engine.Loading;

/// <summary>The workflows that loaded, and every problem found.</summary>
public sealed record LoadResult(WorkflowCatalog Catalog, IReadOnlyList<WorkflowDefinition> Workflows, IReadOnlyList<Diagnostic> Diagnostics);
