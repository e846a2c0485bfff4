using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>Reads the fields particular to each kind of task.</summary>
internal static class KindReader
{
    public static TaskDefinition? ReadCall(CommonFields c)
    {
        var function = ValueReader.ReadString(c.Map["call"]!, c.Context, "call");
        var with = c.Map["with"] is { } node ? ValueReader.ReadTemplate(node, c.Context) : null;
        return function is null ? null : Finish(new CallTask { Function = function, FunctionLocation = c.Context.At(c.Map["call"]!), With = with }, c);
    }

    public static TaskDefinition ReadSet(CommonFields c) =>
        Finish(new SetTask { Value = ValueReader.ReadTemplate(c.Map["set"]!, c.Context) }, c);

    public static TaskDefinition ReadOutput(CommonFields c) =>
        Finish(new OutputTask { Value = ValueReader.ReadTemplate(c.Map["output"]!, c.Context) }, c);

    public static TaskDefinition ReadDo(CommonFields c) =>
        Finish(new DoTask { Do = TaskReader.ReadList(c.Map["do"]!, c.Context, "do") }, c);

    public static TaskDefinition? ReadWait(CommonFields c) =>
        ValueReader.ReadDuration(c.Map["wait"]!, c.Context, "wait") is { } duration
            ? Finish(new WaitTask { Duration = duration }, c)
            : null;

    public static TaskDefinition? ReadSwitch(CommonFields c)
    {
        if (c.Map["switch"] is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            c.Context.Error(c.Map["switch"]!, "'switch' must be a list of cases: '- when: \"{{ … }}\"' with 'then', and optionally '- default: …'");
            return null;
        }

        var cases = new List<SwitchCase>();
        foreach (var item in sequence.Children)
        {
            if (ReadCase(item, c.Context) is { } @case)
            {
                cases.Add(@case);
            }
        }

        return Finish(new SwitchTask { Cases = cases }, c);
    }

    private static SwitchCase? ReadCase(YamlNode item, ParseContext context)
    {
        if (item is not YamlMappingNode mapping)
        {
            context.Error(item, "a switch case must be a mapping: { when: \"{{ … }}\", then: step } or { default: step }");
            return null;
        }

        var map = YamlMap.Read(mapping, context);
        if (map["default"] is { } fallback)
        {
            map.RejectUnknownKeys(context, "switch default", ["default"]);
            return ValueReader.ReadFlowDirective(fallback, context, "default") is { } target
                ? new SwitchCase(null, target, context.At(item))
                : null;
        }

        map.RejectUnknownKeys(context, "switch case", ["when", "then"]);
        if (map["when"] is not { } when || map["then"] is not { } then)
        {
            context.Error(item, "a switch case needs both 'when' and 'then'");
            return null;
        }

        var condition = ValueReader.ReadCondition(when, context, "when");
        var directive = ValueReader.ReadFlowDirective(then, context, "then");
        return condition is null || directive is null ? null : new SwitchCase(condition, directive.Value, context.At(item));
    }

    public static TaskDefinition? ReadFork(CommonFields c)
    {
        var node = c.Map["fork"]!;
        var compete = false;
        YamlNode branches = node;
        if (node is YamlMappingNode mapping)
        {
            var map = YamlMap.Read(mapping, c.Context);
            map.RejectUnknownKeys(c.Context, "fork", ["branches", "compete"]);
            compete = map["compete"] is { } flag && ValueReader.ReadBool(flag, c.Context, "fork.compete") == true;
            if (map["branches"] is not { } list)
            {
                c.Context.Error(node, "'fork' needs 'branches': a list of named tasks");
                return null;
            }

            branches = list;
        }

        var read = TaskReader.ReadList(branches, c.Context, "fork.branches", checkJumps: false);
        RejectBranchJumps(read, c.Context);
        return Finish(new ForkTask { Branches = read, Compete = compete }, c);
    }

    /// <summary>Branches run side by side, so one cannot continue at another: a branch may only continue, exit or end.</summary>
    private static void RejectBranchJumps(TaskList branches, ParseContext context)
    {
        foreach (var branch in branches.Tasks)
        {
            var targets = branch is SwitchTask sw ? sw.Cases.Select(c => (c.Then, c.Location)) : [(branch.Then, branch.Location)];
            foreach (var (then, where) in targets.Where(t => t.Then.Kind == FlowDirectiveKind.GoTo))
            {
                context.Error(where, $"fork branch '{branch.Name}' cannot jump to '{then.Target}': branches run side by side; a branch's 'then' may be continue, exit or end (wrap steps that follow each other in a 'do')");
            }
        }
    }

    public static TaskDefinition? ReadFor(CommonFields c)
    {
        if (c.Map["for"] is not YamlMappingNode mapping)
        {
            c.Context.Error(c.Map["for"]!, "'for' must be a mapping: { each: item, in: \"{{ input.items }}\" }");
            return null;
        }

        var map = YamlMap.Read(mapping, c.Context);
        map.RejectUnknownKeys(c.Context, "for", ["each", "in", "at", "concurrency"]);
        if (map["in"] is not { } source)
        {
            c.Context.Error(mapping, "'for' is missing required key 'in'");
            return null;
        }

        if (c.Map["do"] is not { } body)
        {
            c.Context.Error(c.Location, $"for step '{c.Name}' is missing required key 'do'");
            return null;
        }

        var items = ValueReader.ReadExpression(source, c.Context, "for.in");
        var each = map["each"] is { } e ? ValueReader.ReadVariableName(e, c.Context, "for.each") : "item";
        var at = map["at"] is { } a ? ValueReader.ReadVariableName(a, c.Context, "for.at") : "index";
        var concurrency = map["concurrency"] is { } n ? ValueReader.ReadInt(n, c.Context, "for.concurrency", 1) : 1;
        var list = TaskReader.ReadList(body, c.Context, "do");
        return items is null || each is null || at is null || concurrency is null
            ? null
            : Finish(new ForTask { In = items, Each = each, At = at, Concurrency = concurrency.Value, Do = list }, c);
    }

    public static TaskDefinition? ReadTry(CommonFields c)
    {
        var block = TaskReader.ReadList(c.Map["try"]!, c.Context, "try");
        if (c.Map["catch"] is not { } catchNode)
        {
            c.Context.Error(c.Location, $"try step '{c.Name}' is missing required key 'catch'");
            return null;
        }

        IEnumerable<YamlNode> clauses = catchNode is YamlSequenceNode sequence ? sequence.Children : [catchNode];
        var catches = clauses.Select(node => ReadCatch(node, c.Context)).OfType<CatchClause>().ToList();
        return Finish(new TryTask { Try = block, Catches = catches }, c);
    }

    private static CatchClause? ReadCatch(YamlNode node, ParseContext context)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, "'catch' must be a mapping (or a list of them): { errors: { type: timeout }, do: [ … ] }");
            return null;
        }

        var map = YamlMap.Read(mapping, context);
        map.RejectUnknownKeys(context, "catch", ["errors", "as", "when", "retry", "do"]);
        var clause = new CatchClause { Location = context.At(node) };
        if (map["errors"] is { } errors)
        {
            if (errors is YamlMappingNode filter)
            {
                var filterMap = YamlMap.Read(filter, context);
                filterMap.RejectUnknownKeys(context, "catch.errors", ["type"]);
                if (filterMap["type"] is { } type && ValueReader.ReadStringList(type, context, "catch.errors.type") is { } types)
                {
                    clause = clause with { ErrorTypes = types };
                }
            }
            else
            {
                context.Error(errors, "'catch.errors' must be a mapping: { type: timeout } or { type: [a, b] }");
            }
        }

        if (map["as"] is { } name && ValueReader.ReadVariableName(name, context, "catch.as") is { } bound)
        {
            clause = clause with { As = bound };
        }

        if (map["when"] is { } when)
        {
            clause = clause with { When = ValueReader.ReadCondition(when, context, "catch.when") };
        }

        if (map["retry"] is { } retry)
        {
            clause = clause with { Retry = RetryReader.Read(retry, context) };
        }

        if (map["do"] is { } handler)
        {
            clause = clause with { Do = TaskReader.ReadList(handler, context, "catch.do") };
        }

        return clause;
    }

    public static TaskDefinition? ReadRaise(CommonFields c)
    {
        if (c.Map["raise"] is not YamlMappingNode mapping)
        {
            c.Context.Error(c.Map["raise"]!, "'raise' must be a mapping: { type: payment-declined, message: \"…\" }");
            return null;
        }

        var map = YamlMap.Read(mapping, c.Context);
        map.RejectUnknownKeys(c.Context, "raise", ["type", "message", "retryable"]);
        if (map["type"] is not { } typeNode)
        {
            c.Context.Error(mapping, "'raise' is missing required key 'type'");
            return null;
        }

        var type = ValueReader.ReadString(typeNode, c.Context, "raise.type");
        if (type is not null && type.Contains("{{", StringComparison.Ordinal))
        {
            // catch clauses match types by name when the workflow is read; a computed type could match none of them.
            c.Context.Error(typeNode, $"'raise.type' is a fixed name, not an expression: '{type}' (put the varying part in 'message')");
            type = null;
        }

        var message = map["message"] is { } m ? ValueReader.ReadTemplate(m, c.Context) : ValueTemplate.Literal(type);
        var retryable = map["retryable"] is { } r && ValueReader.ReadBool(r, c.Context, "raise.retryable") == true;
        return type is null ? null : Finish(new RaiseTask { ErrorType = type, Message = message, Retryable = retryable }, c);
    }

    public static TaskDefinition? ReadRun(CommonFields c)
    {
        if (c.Map["run"] is not YamlMappingNode mapping)
        {
            c.Context.Error(c.Map["run"]!, "'run' must be a mapping: { workflow: name, version: 1.0.0, input: { … } }");
            return null;
        }

        var map = YamlMap.Read(mapping, c.Context);
        map.RejectUnknownKeys(c.Context, "run", ["workflow", "version", "input"]);
        if (map["workflow"] is not { } workflowNode)
        {
            c.Context.Error(mapping, "'run' is missing required key 'workflow'");
            return null;
        }

        var workflow = ValueReader.ReadString(workflowNode, c.Context, "run.workflow");
        var version = map["version"] is { } v ? ValueReader.ReadString(v, c.Context, "run.version") : null;
        var input = map["input"] is { } i ? ValueReader.ReadTemplate(i, c.Context) : null;
        return workflow is null ? null : Finish(new RunTask { Workflow = workflow, WorkflowLocation = c.Context.At(workflowNode), Version = version, Input = input }, c);
    }

    /// <summary>Copies the common fields onto a task built by a kind reader.</summary>
    public static T Finish<T>(T task, CommonFields c)
        where T : TaskDefinition
    {
        task.Name = c.Name;
        task.Location = c.Location;
        task.If = c.If;
        task.Timeout = c.Timeout;
        task.Retry = c.Retry;
        task.Then = c.Then;
        return task;
    }
}
