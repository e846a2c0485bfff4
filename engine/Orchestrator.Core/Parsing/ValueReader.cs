using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>Reads typed values from YAML nodes, reporting a positioned error for each bad one.</summary>
internal static class ValueReader
{
    public static string? ReadString(YamlNode node, ParseContext context, string what)
    {
        if (node is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value) && YamlScalars.ScalarToJson(scalar) is JsonValue)
        {
            return scalar.Value;
        }

        context.Error(node, $"'{what}' must be a non-empty string");
        return null;
    }

    /// <summary>Reads a non-empty string that must be known when the workflow loads: no <c>{{ }}</c> in it.</summary>
    public static string? ReadLiteralString(YamlNode node, ParseContext context, string what)
    {
        var text = ReadString(node, context, what);
        if (text is not null && CompiledExpression.HasExpression(text))
        {
            context.Error(node, $"'{what}' must be a literal string: expressions ({{{{ }}}}) are not allowed here");
            return null;
        }

        return text;
    }

    /// <summary>Reads a name a loop or catch binds: an identifier that hides neither a root name nor a step.</summary>
    public static string? ReadVariableName(YamlNode node, ParseContext context, string what)
    {
        var name = ReadString(node, context, what);
        if (name is null)
        {
            return null;
        }

        if (!TaskReader.IsIdentifier(name))
        {
            context.Error(node, $"'{what}' must be an identifier (letters, digits and _, not starting with a digit), got '{name}'");
            return null;
        }

        if (name is "input" or "secrets" or "run")
        {
            context.Error(node, $"'{what}' cannot be '{name}': that name is already in scope");
            return null;
        }

        if (TaskKeywords.Keywords.Contains(name, StringComparer.Ordinal))
        {
            context.Error(node, $"'{what}' cannot be '{name}': a Scriban keyword or a 'then' directive, which expressions could not name");
            return null;
        }

        context.ClaimVariableName(name, context.At(node), what);
        return name;
    }

    /// <summary>A duration; <paramref name="allowZero"/> false for limits, where zero would fail every attempt at once.</summary>
    public static TimeSpan? ReadDuration(YamlNode node, ParseContext context, string what, bool allowZero = true)
    {
        if (node is YamlScalarNode { Value: { } text } && DurationParser.TryParse(text, out var duration))
        {
            if (allowZero || duration > TimeSpan.Zero)
            {
                return duration;
            }

            context.Error(node, $"'{what}' must be more than zero, got '{text}'");
            return null;
        }

        var shown = node is YamlScalarNode { Value: { } value } ? value : node.NodeType.ToString().ToLowerInvariant();
        context.Error(node, $"invalid duration '{shown}' in '{what}' ({DurationParser.Hint})");
        return null;
    }

    public static int? ReadInt(YamlNode node, ParseContext context, string what, int minimum)
    {
        if (node is YamlScalarNode scalar && YamlScalars.IsPlain(scalar)
            && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        context.Error(node, $"'{what}' must be an integer of at least {minimum}");
        return null;
    }

    public static bool? ReadBool(YamlNode node, ParseContext context, string what)
    {
        if (node is YamlScalarNode scalar && YamlScalars.ScalarToJson(scalar) is JsonValue value && value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }

        context.Error(node, $"'{what}' must be true or false");
        return null;
    }

    public static IReadOnlyList<string>? ReadStringList(YamlNode node, ParseContext context, string what)
    {
        if (node is YamlScalarNode)
        {
            return ReadString(node, context, what) is { } single ? [single] : null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            context.Error(node, $"'{what}' must be a string or a list of strings");
            return null;
        }

        var items = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (ReadString(item, context, what) is { } text)
            {
                items.Add(text);
            }
        }

        return items;
    }

    /// <summary>Reads an <c>if</c>/<c>when</c> condition: a Scriban expression, with or without braces.</summary>
    public static CompiledExpression? ReadCondition(YamlNode node, ParseContext context, string what)
    {
        if (node is not YamlScalarNode { Value: { Length: > 0 } text })
        {
            context.Error(node, $"'{what}' must be an expression such as \"{{{{ input.count > 0 }}}}\"");
            return null;
        }

        // A plain YAML boolean or null in any of its spellings (False, TRUE, ~, Null) is that value, not a Scriban name.
        if (node is YamlScalarNode scalar && YamlScalars.IsPlain(scalar))
        {
            var plain = YamlScalars.ScalarToJson(scalar);
            if (plain is null)
            {
                text = "false";
            }
            else if (plain is JsonValue value && value.TryGetValue(out bool flag))
            {
                text = flag ? "true" : "false";
            }
        }

        var expression = CompiledExpression.TryParseCondition(text, out var error);
        if (expression is null)
        {
            context.Error(node, $"invalid expression in '{what}': {error}");
        }

        return expression;
    }

    /// <summary>Reads a value that must be one expression yielding data (e.g. <c>for.in</c>).</summary>
    public static CompiledExpression? ReadExpression(YamlNode node, ParseContext context, string what, string example = "input.items")
    {
        if (node is not YamlScalarNode { Value: { Length: > 0 } text } || !CompiledExpression.IsWholeExpression(text.Trim()))
        {
            context.Error(node, $"'{what}' must be a single expression such as \"{{{{ {example} }}}}\"");
            return null;
        }

        var expression = CompiledExpression.TryParse(text.Trim(), out var error);
        if (expression is null)
        {
            context.Error(node, $"invalid expression in '{what}': {error}");
        }

        return expression;
    }

    /// <summary>Compiles any YAML value into a template; strings with <c>{{ }}</c> become expressions.</summary>
    public static ValueTemplate ReadTemplate(YamlNode node, ParseContext context)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var map = YamlMap.Read(mapping, context);
                if (map.Entries.Count() == 1 && map["template"] is YamlScalarNode { Value: { } file } fileNode && YamlScalars.ScalarToJson(fileNode) is JsonValue)
                {
                    return ReadTemplateFile(fileNode, file, context);
                }

                return ValueTemplate.ObjectOf([.. map.Entries.Select(e => KeyValuePair.Create(e.Key.Value ?? "", ReadTemplate(e.Value, context)))]);
            case YamlSequenceNode sequence:
                return ValueTemplate.ArrayOf([.. sequence.Children.Select(child => ReadTemplate(child, context))]);
            case YamlScalarNode scalar:
                var json = YamlScalars.ScalarToJson(scalar);
                if (json is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
                    && CompiledExpression.HasExpression(scalar.Value!))
                {
                    var expression = CompiledExpression.TryParse(scalar.Value!, out var error);
                    if (expression is null)
                    {
                        context.Error(node, $"invalid expression: {error}");
                        return ValueTemplate.Literal(null);
                    }

                    return ValueTemplate.Expression(expression);
                }

                return ValueTemplate.Literal(json);
            default:
                context.Error(node, "aliases and tags are not supported here");
                return ValueTemplate.Literal(null);
        }
    }

    private static ValueTemplate ReadTemplateFile(YamlNode node, string file, ParseContext context)
    {
        var text = context.ReadTemplate(file);
        if (text is null)
        {
            context.Error(node, $"template file '{file}' not found");
            return ValueTemplate.Literal(null);
        }

        var expression = CompiledExpression.TryParseTemplate(text, out var error);
        if (expression is null)
        {
            context.Error(node, $"invalid template '{file}': {error}");
            return ValueTemplate.Literal(null);
        }

        return ValueTemplate.Expression(expression);
    }

    public static FlowDirective? ReadFlowDirective(YamlNode node, ParseContext context, string what)
    {
        var text = ReadString(node, context, what);
        return text switch
        {
            null => null,
            "continue" => FlowDirective.Continue,
            "exit" => FlowDirective.Exit,
            "end" => FlowDirective.End,
            _ => FlowDirective.GoTo(text),
        };
    }
}
