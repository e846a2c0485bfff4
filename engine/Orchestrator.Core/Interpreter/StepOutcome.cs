using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Interpreter;

/// <summary>What a step (or a list of steps) produced, and where the flow goes next.</summary>
/// <param name="Value">The result.</param>
/// <param name="Directive">Where the flow goes next.</param>
/// <param name="Skipped">The step did not run: its <c>if</c> was false.</param>
internal readonly record struct StepOutcome(JsonNode? Value, FlowDirective Directive, bool Skipped = false)
{
    public bool Ended => Directive.Kind == FlowDirectiveKind.End;
}
