using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary>One case of a <c>switch</c>: when <see cref="When"/> holds (or always, for the default), go to <see cref="Then"/>.</summary>
public sealed record SwitchCase(CompiledExpression? When, FlowDirective Then, SourceLocation Location)
{
    /// <summary>True for <c>default:</c>.</summary>
    public bool IsDefault => When is null;
}
