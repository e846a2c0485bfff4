namespace Orchestrator.Core.Definitions;

/// <summary>
/// <c>switch:</c> a list of cases; the first whose <c>when</c> holds decides where the flow goes.
/// With no match and no default, the flow follows the switch's own <c>then</c>. The step's result is the chosen
/// target as text (a step name, <c>continue</c>, <c>exit</c> or <c>end</c>), or null when nothing matched.
/// </summary>
public sealed class SwitchTask : TaskDefinition
{
    /// <summary>The cases in order.</summary>
    public required IReadOnlyList<SwitchCase> Cases { get; init; }

    /// <inheritdoc />
    public override string Kind => "switch";
}
