using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Parsing;

/// <summary>The fields every task shares, read once, plus what the kind-specific readers need.</summary>
internal sealed class CommonFields
{
    public CommonFields(string name, SourceLocation location, YamlMap map, ParseContext context)
    {
        Name = name;
        Location = location;
        Map = map;
        Context = context;
        If = map["if"] is { } condition ? ValueReader.ReadCondition(condition, context, "if") : null;
        Timeout = map["timeout"] is { } timeout ? ValueReader.ReadDuration(timeout, context, "timeout", allowZero: false) : null;
        Retry = map["retry"] is { } retry ? RetryReader.Read(retry, context) : null;
        Then = (map["then"] is { } then ? ValueReader.ReadFlowDirective(then, context, "then") : null) ?? FlowDirective.Continue;
    }

    public string Name { get; }

    public SourceLocation Location { get; }

    public YamlMap Map { get; }

    public ParseContext Context { get; }

    public CompiledExpression? If { get; }

    public TimeSpan? Timeout { get; }

    public RetryPolicy? Retry { get; }

    public FlowDirective Then { get; }
}
