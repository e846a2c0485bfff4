using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Interpreter;

/// <summary>What a step (or a list of steps) produced, and where the flow goes next.</summary>
internal readonly record struct StepOutcome(JsonNode? Value, FlowDirective Directive)
{
    public bool Ended => Directive.Kind == FlowDirectiveKind.End;
}
