using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Definitions;

/// <summary>A named step of a workflow (built by the parser; immutable once loaded). Every kind of task may carry <c>if</c>, <c>timeout</c>, <c>retry</c> and <c>then</c>.</summary>
public abstract class TaskDefinition
{
    /// <summary>The step's name: its result is addressable by it in later expressions.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>Where the step is defined.</summary>
    public SourceLocation Location { get; internal set; }

    /// <summary>When present and false, the step is skipped and its result is null.</summary>
    public CompiledExpression? If { get; internal set; }

    /// <summary>Time limit for one attempt of the step.</summary>
    public TimeSpan? Timeout { get; internal set; }

    /// <summary>Retries on failure.</summary>
    public RetryPolicy? Retry { get; internal set; }

    /// <summary>Where to go after the step; default <c>continue</c>.</summary>
    public FlowDirective Then { get; internal set; } = FlowDirective.Continue;

    /// <summary>The DSL keyword of this kind of task (<c>call</c>, <c>set</c>, …).</summary>
    public abstract string Kind { get; }

    /// <summary>Nested task lists (a fork's branches, a loop's body, …).</summary>
    public virtual IEnumerable<TaskList> Children() => [];
}
