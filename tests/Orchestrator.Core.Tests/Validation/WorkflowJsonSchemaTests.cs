using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Orchestrator.Core.Parsing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>
/// The editor schema in <c>docs/schema/workflow.schema.json</c> accepts every real workflow and rejects common mistakes,
/// reading YAML the way editors do (YAML 1.2 core schema: plain scalars may be null, booleans or numbers).
/// </summary>
public sealed class WorkflowJsonSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "schema", "workflow.schema.json")),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static TheoryData<string> RepositoryWorkflows()
    {
        var root = RepositoryRoot();
        var files = new TheoryData<string>();
        foreach (var folder in new[] { "workflows", Path.Combine("docs", "examples") })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.yaml", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) is not ("function.yaml" or "services.yaml"))
                .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
                .Order(StringComparer.Ordinal))
            {
                files.Add(Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        return files;
    }

    public static TheoryData<string, string> InvalidWorkflows => new()
    {
        {
            "unknown task key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  foo: 1
            """
        },
        {
            "bad duration",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  timeout: 5 seconds
            """
        },
        {
            "duration without a unit",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  wait: 10
            """
        },
        {
            "missing do",
            """
            document: { name: wf, version: 1.0.0 }
            timeout: 5s
            """
        },
        {
            "empty do",
            """
            document: { name: wf, version: 1.0.0 }
            do: []
            """
        },
        {
            "unknown top-level key",
            """
            document: { name: wf, version: 1.0.0 }
            steps: []
            do:
              - a: { set: 1 }
            """
        },
        {
            "version not semantic",
            """
            document: { name: wf, version: 1.0 }
            do:
              - a: { set: 1 }
            """
        },
        {
            "no task keyword",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  with: { name: Ada }
            """
        },
        {
            "two task keywords",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  set: 1
            """
        },
        {
            "step name not an identifier",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - send-email: { call: echo }
            """
        },
        {
            "reserved step name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - input: { set: 1 }
            """
        },
        {
            "step with two keys",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1 }
                b: { set: 2 }
            """
        },
        {
            "retry with zero attempts",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { attempts: 0 }
            """
        },
        {
            "unknown backoff",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { backoff: fibonacci }
            """
        },
        {
            "for without do",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}" }
            """
        },
        {
            "for.in not an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: input.items }
                  do:
                    - b: { set: 1 }
            """
        },
        {
            "try without catch",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
            """
        },
        {
            "switch case without then",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  switch:
                    - when: "{{ input.express }}"
            """
        },
        {
            "raise without type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  raise: { message: boom }
            """
        },
    };

    [Theory]
    [MemberData(nameof(RepositoryWorkflows))]
    public void Evaluate_RepositoryWorkflow_IsValid(string relativePath)
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot(), relativePath));

        var result = Evaluate(yaml);

        Assert.True(result.IsValid, $"{relativePath}: {Describe(result)}");
    }

    [Theory]
    [MemberData(nameof(InvalidWorkflows))]
    public void Evaluate_InvalidWorkflow_IsRejected(string scenario, string yaml)
    {
        var result = Evaluate(yaml);

        Assert.False(result.IsValid, $"{scenario}: the schema accepted it");
    }

    [Theory]
    [InlineData("250ms")]
    [InlineData("5s")]
    [InlineData("1.5s")]
    [InlineData("2m")]
    [InlineData("1h")]
    [InlineData("1d")]
    [InlineData("1m30s")]
    [InlineData("PT5S")]
    [InlineData("PT0.5S")]
    [InlineData("P1DT2H")]
    public void Evaluate_DurationTheParserAccepts_IsValid(string duration)
    {
        var result = Evaluate(WaitFor(duration));

        Assert.True(DurationParser.TryParse(duration, out _), $"the parser rejects {duration}");
        Assert.True(result.IsValid, $"{duration}: {Describe(result)}");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("5 s")]
    [InlineData("5S")]
    [InlineData("-5s")]
    [InlineData("soon")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("pt5s")]
    public void Evaluate_DurationTheParserRejects_IsInvalid(string duration)
    {
        Assert.False(DurationParser.TryParse(duration, out _), $"the parser accepts {duration}");
        Assert.False(Evaluate(WaitFor(duration)).IsValid, $"the schema accepts {duration}");
    }

    private static string WaitFor(string duration) =>
        $"document: {{ name: wf, version: 1.0.0 }}\ndo:\n  - pause:\n      wait: \"{duration}\"\n";

    private static EvaluationResults Evaluate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = ToJson(stream.Documents[0].RootNode);
        return Schema.Value.Evaluate(JsonSerializer.SerializeToElement(json), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
            .Take(10));

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    /// <summary>YAML 1.2 core schema, as the VS Code YAML extension reads it: only plain scalars are typed.</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.StartsWith('t') || text.StartsWith('T'));
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real)
            ? JsonValue.Create(real)
            : JsonValue.Create(text);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orchestrator.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"Orchestrator.sln not found above {AppContext.BaseDirectory}");
    }
}
