using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Parsing;

/// <summary>A parsed workflow, or the reasons there is none.</summary>
public sealed record ParseResult(WorkflowDefinition? Workflow, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when the file parsed without any diagnostic.</summary>
    public bool Succeeded => Workflow is not null;

    /// <summary>
    /// What could be read of a file with errors (its broken steps left out): never run, only checked against what
    /// other files define, so that one validation reports every problem. The workflow itself when it succeeded.
    /// </summary>
    public WorkflowDefinition? Partial { get; init; }
}
