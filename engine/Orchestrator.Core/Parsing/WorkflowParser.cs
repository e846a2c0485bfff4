using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>
/// Turns workflow YAML into a <see cref="WorkflowDefinition"/>, or into positioned diagnostics.
/// Reads text only: the caller supplies file contents and a way to read template files.
/// </summary>
public static partial class WorkflowParser
{
    private static readonly string[] TopLevelKeys = ["document", "input", "secrets", "on", "timeout", "do"];

    /// <summary>Parses one workflow file's text.</summary>
    /// <param name="yaml">The file's contents.</param>
    /// <param name="file">The path shown in diagnostics.</param>
    /// <param name="readTemplate">Returns a template file's text by its path as written in the workflow, or null when missing.</param>
    public static ParseResult Parse(string yaml, string file, Func<string, string?> readTemplate)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var context = new ParseContext(file, readTemplate);
        if (YamlPrecheck.Check(yaml, file) is { } problem)
        {
            return new ParseResult(null, [problem]);
        }

        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (stream.Documents.Count > 1)
            {
                context.Error(stream.Documents[1].RootNode, "a workflow file holds one YAML document; found another after '---'");
            }
        }
        catch (YamlException ex)
        {
            context.Error(context.At(ex.Start), "invalid YAML: " + YamlSyntax.CleanMessage(ex));
            return new ParseResult(null, context.Diagnostics);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner can fail this way on text the precheck let through; never let it escape.
            context.Error(new SourceLocation(file, 1, 1), "invalid YAML: the file cannot be read as YAML");
            return new ParseResult(null, context.Diagnostics);
        }

        if (root is null || (root is YamlScalarNode { Value: null or "" }))
        {
            context.Error(new SourceLocation(file, 1, 1), "the file is empty: a workflow needs 'document' and 'do'");
            return new ParseResult(null, context.Diagnostics);
        }

        if (root is not YamlMappingNode mapping)
        {
            context.Error(root, "a workflow must be a mapping with 'document' and 'do'");
            return new ParseResult(null, context.Diagnostics);
        }

        var workflow = ReadWorkflow(YamlMap.Read(mapping, context), context);
        context.CheckAcrossSteps();

        // In the order of the file, whichever check found them; a workflow with errors is still offered for the
        // checks across files (unknown functions), so one run of validate reports everything.
        var diagnostics = context.Diagnostics.OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        return new ParseResult(diagnostics.Count == 0 ? workflow : null, diagnostics) { Partial = workflow };
    }

    private static WorkflowDefinition? ReadWorkflow(YamlMap map, ParseContext context)
    {
        map.RejectUnknownKeys(context, "the workflow", TopLevelKeys);
        var (name, version, summary) = ReadDocument(map, context);
        var (schemaText, schema) = map["input"] is { } input ? ReadInput(input, context) : (null, null);
        var secrets = map["secrets"] is { } s ? ValueReader.ReadStringList(s, context, "secrets") ?? [] : [];
        var triggers = map["on"] is { } on ? ReadTriggers(on, context) : [];
        var timeout = map["timeout"] is { } t ? ValueReader.ReadDuration(t, context, "timeout", allowZero: false) : null;
        TaskList? steps = null;
        if (map["do"] is { } body)
        {
            steps = TaskReader.ReadList(body, context, "do");
        }
        else
        {
            context.Error(map.Node, "the workflow is missing required key 'do'");
        }

        if (name is null || version is null || steps is null)
        {
            return null;
        }

        return new WorkflowDefinition
        {
            Name = name,
            Version = version,
            Summary = summary,
            SourceFile = context.File,
            InputSchemaText = schemaText,
            InputSchema = schema,
            Secrets = secrets,
            Triggers = triggers,
            Timeout = timeout,
            Do = steps,
            Location = context.At(map.Node),
        };
    }

    private static (string? Name, string? Version, string? Summary) ReadDocument(YamlMap map, ParseContext context)
    {
        if (map["document"] is not { } node)
        {
            context.Error(map.Node, "the workflow is missing required key 'document' (with 'name' and 'version')");
            return (null, null, null);
        }

        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, "'document' must be a mapping: { name: my-workflow, version: 1.0.0 }");
            return (null, null, null);
        }

        var document = YamlMap.Read(mapping, context);
        document.RejectUnknownKeys(context, "document", ["name", "version", "namespace", "title", "summary"]);
        string? name = null, version = null;
        if (document["name"] is { } n)
        {
            name = ValueReader.ReadString(n, context, "document.name");
            if (name is not null && !WorkflowName().IsMatch(name))
            {
                context.Error(n, $"document.name '{name}' must be lowercase letters, digits, '-' or '.', starting with a letter");
            }
        }
        else
        {
            context.Error(mapping, "'document' is missing required key 'name'");
        }

        if (document["version"] is { } v)
        {
            version = ValueReader.ReadString(v, context, "document.version");
            if (version is not null && !SemanticVersion().IsMatch(version))
            {
                context.Error(v, $"document.version '{version}' is not a semantic version such as 1.0.0");
            }
        }
        else
        {
            context.Error(mapping, "'document' is missing required key 'version'");
        }

        var summary = document["summary"] is YamlScalarNode { Value: { } text } ? text : null;
        return (name, version, summary);
    }

    private static (JsonNode? Text, JsonSchema? Schema) ReadInput(YamlNode node, ParseContext context)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, "'input' must be a mapping: { schema: { … } }");
            return (null, null);
        }

        var map = YamlMap.Read(mapping, context);
        map.RejectUnknownKeys(context, "input", ["schema"]);
        if (map["schema"] is not { } schemaNode)
        {
            return (null, null);
        }

        if (schemaNode is not YamlMappingNode)
        {
            context.Error(schemaNode, "'input.schema' must be a JSON Schema written as a mapping");
            return (null, null);
        }

        var json = YamlScalars.ToJson(schemaNode);
        try
        {
            var element = JsonSerializer.SerializeToElement(json);
            var schema = JsonSchema.Build(element, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return (json, schema);
        }
#pragma warning disable CA1031 // JsonSchema.Net reports bad schemas with several exception types; each becomes one diagnostic.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.Error(schemaNode, $"'input.schema' is not a valid JSON Schema: {ex.Message}");
            return (null, null);
        }
    }

    private static List<TriggerDefinition> ReadTriggers(YamlNode node, ParseContext context)
    {
        var triggers = new List<TriggerDefinition>();
        if (node is not YamlSequenceNode sequence)
        {
            context.Error(node, "'on' must be a list of triggers, e.g. '- queue: user.signups'");
            return triggers;
        }

        foreach (var item in sequence.Children)
        {
            if (item is not YamlMappingNode mapping)
            {
                context.Error(item, "a trigger must be a mapping, e.g. { queue: user.signups }");
                continue;
            }

            var map = YamlMap.Read(mapping, context);
            map.RejectUnknownKeys(context, "trigger", ["queue", "prefetch", "concurrency", "correlation"]);
            var prefetch = map["prefetch"] is { } p ? ValueReader.ReadInt(p, context, "prefetch", 1) : null;
            if (prefetch > ushort.MaxValue)
            {
                // RabbitMQ's prefetch count is 16 bits: serve refuses more.
                context.Error(map["prefetch"]!, $"'prefetch' must be at most {ushort.MaxValue}, got {prefetch}");
                prefetch = null;
            }

            var concurrency = map["concurrency"] is { } c ? ValueReader.ReadInt(c, context, "concurrency", 1) : null;
            var correlation = map["correlation"] is { } k ? ValueReader.ReadExpression(k, context, "correlation")?.Text : null;
            if (map["queue"] is not { } queue)
            {
                context.Error(item, "a trigger needs 'queue': the RabbitMQ queue whose messages start runs");
            }
            else if (ValueReader.ReadString(queue, context, "queue") is { } name)
            {
                // What the broker would refuse, found here rather than when serve declares the queue (and its .dead).
                if (QueueNameRules.Problem(name, ".dead") is { } problem)
                {
                    context.Error(queue, problem);
                }

                triggers.Add(new TriggerDefinition("queue", name, context.At(item), prefetch, concurrency, correlation));
            }
        }

        return triggers;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkflowName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+([\-+][0-9A-Za-z.\-+]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemanticVersion();
}
