namespace Orchestrator.Core.Definitions;

/// <summary>What happens after a task: a <c>then:</c> value.</summary>
public readonly record struct FlowDirective(FlowDirectiveKind Kind, string? Target = null)
{
    /// <summary>Go on with the next task (the default).</summary>
    public static FlowDirective Continue { get; } = new(FlowDirectiveKind.Continue);

    /// <summary>Leave the current <c>do</c> block.</summary>
    public static FlowDirective Exit { get; } = new(FlowDirectiveKind.Exit);

    /// <summary>End the whole workflow.</summary>
    public static FlowDirective End { get; } = new(FlowDirectiveKind.End);

    /// <summary>Jump to a sibling task by name.</summary>
    public static FlowDirective GoTo(string target) => new(FlowDirectiveKind.GoTo, target);

    /// <inheritdoc />
    public override string ToString() => Kind == FlowDirectiveKind.GoTo ? Target! : Kind.ToString().ToLowerInvariant();
}
