using System.Text.RegularExpressions;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>Reads <c>do:</c> lists and the tasks in them.</summary>
internal static partial class TaskReader
{
    public static TaskList ReadList(YamlNode node, ParseContext context, string what, bool checkJumps = true)
    {
        if (node is not YamlSequenceNode sequence)
        {
            context.Error(node, $"'{what}' must be a list of steps, each '- name: {{ task }}'");
            return TaskList.Empty;
        }

        if (sequence.Children.Count == 0)
        {
            context.Error(node, $"'{what}' needs at least one step");
        }

        var tasks = new List<TaskDefinition>();
        foreach (var item in sequence.Children)
        {
            if (ReadNamedTask(item, context) is { } task)
            {
                tasks.Add(task);
            }
        }

        var list = new TaskList(tasks);
        if (checkJumps)
        {
            CheckJumps(list, DeclaredNames(sequence), context);
        }

        return list;
    }

    /// <summary>Reads <c>- name: { fields }</c>.</summary>
    public static TaskDefinition? ReadNamedTask(YamlNode item, ParseContext context)
    {
        if (item is not YamlMappingNode { Children.Count: 1 } named || named.Children[0].Key is not YamlScalarNode nameNode)
        {
            context.Error(item, "a step must be a mapping with exactly one key, its name: '- name: { call: fn }'");
            return null;
        }

        var name = nameNode.Value ?? "";
        var location = context.At(nameNode);
        if (!Identifier().IsMatch(name))
        {
            context.Error(location, $"step name '{name}' is not an identifier (letters, digits and _, not starting with a digit)");
        }
        else if (TaskKeywords.Refusal(name) is { } why)
        {
            context.Error(location, $"step name '{name}' is reserved ({why})");
        }
        else
        {
            context.ClaimStepName(name, location);
        }

        if (named.Children[0].Value is not YamlMappingNode body)
        {
            context.Error(named.Children[0].Value, $"step '{name}' must be a mapping of task fields, e.g. {{ call: fn }}");
            return null;
        }

        var map = YamlMap.Read(body, context);
        var kinds = TaskKeywords.Kinds.Where(map.Has).ToList();

        // 'for' and 'try' carry a 'do'/'catch' of their own; only a lone 'do' makes a do-task.
        if (kinds.Contains("for") || kinds.Contains("try"))
        {
            kinds.Remove("do");
        }

        if (kinds.Count == 0)
        {
            context.Error(location, $"step '{name}' has no task: expected one of {string.Join(", ", TaskKeywords.Kinds)}");
            return null;
        }

        if (kinds.Count > 1)
        {
            context.Error(map.KeyNode(kinds[1])!, $"step '{name}' has more than one task keyword: '{kinds[0]}' and '{kinds[1]}'");
            return null;
        }

        var kind = kinds[0];
        map.RejectUnknownKeys(context, $"{kind} step '{name}'", TaskKeywords.FieldsOf(kind));
        var common = new CommonFields(name, location, map, context);
        return kind switch
        {
            "call" => KindReader.ReadCall(common),
            "set" => KindReader.ReadSet(common),
            "switch" => KindReader.ReadSwitch(common),
            "fork" => KindReader.ReadFork(common),
            "for" => KindReader.ReadFor(common),
            "try" => KindReader.ReadTry(common),
            "wait" => KindReader.ReadWait(common),
            "raise" => KindReader.ReadRaise(common),
            "run" => KindReader.ReadRun(common),
            "output" => KindReader.ReadOutput(common),
            "emit" => EventReader.ReadEmit(common),
            "listen" => EventReader.ReadListen(common),
            _ => KindReader.ReadDo(common),
        };
    }

    /// <summary>
    /// A <c>then:</c> (or a switch case's) may only name a sibling in the same list. A sibling that has errors of its
    /// own still counts as one; whether a name that is no sibling is a step elsewhere is known once the file is read.
    /// </summary>
    private static void CheckJumps(TaskList list, IReadOnlyList<string> declared, ParseContext context)
    {
        foreach (var task in list.Tasks)
        {
            var targets = task is SwitchTask sw ? sw.Cases.Select(c => (c.Then, c.Location)) : [(task.Then, task.Location)];
            foreach (var (then, where) in targets)
            {
                if (then.Kind == FlowDirectiveKind.GoTo && !declared.Contains(then.Target!, StringComparer.Ordinal))
                {
                    context.CheckJumpLater(task.Name, then.Target!, where, string.Join(", ", declared));
                }
            }
        }
    }

    /// <summary>The step names a list declares, also of steps that failed to parse.</summary>
    private static List<string> DeclaredNames(YamlSequenceNode sequence) =>
        [.. sequence.Children
            .OfType<YamlMappingNode>()
            .Where(m => m.Children.Count == 1 && m.Children[0].Key is YamlScalarNode { Value: not null })
            .Select(m => ((YamlScalarNode)m.Children[0].Key).Value!)];

    public static bool IsIdentifier(string name) => Identifier().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
