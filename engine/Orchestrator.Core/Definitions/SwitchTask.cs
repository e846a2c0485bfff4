namespace Orchestrator.Core.Definitions;

/// <summary>
/// <c>switch:</c> a list of cases; the first whose <c>when</c> holds decides where the flow goes.
/// With no match and no default, the flow continues. The step's result is the index of the chosen case (or null).
/// </summary>
public sealed class SwitchTask : TaskDefinition
{
    /// <summary>The cases in order.</summary>
    public required IReadOnlyList<SwitchCase> Cases { get; init; }

    /// <inheritdoc />
    public override string Kind => "switch";
}
