using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Parsing;

/// <summary>A parsed workflow, or the reasons there is none.</summary>
public sealed record ParseResult(WorkflowDefinition? Workflow, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when the file parsed without any diagnostic.</summary>
    public bool Succeeded => Workflow is not null;
}
