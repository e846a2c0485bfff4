namespace Orchestrator.Core.Definitions;

/// <summary>The kinds of <see cref="FlowDirective"/>.</summary>
public enum FlowDirectiveKind
{
    /// <summary><c>continue</c>.</summary>
    Continue,

    /// <summary><c>exit</c>.</summary>
    Exit,

    /// <summary><c>end</c>.</summary>
    End,

    /// <summary>A task name.</summary>
    GoTo,
}
