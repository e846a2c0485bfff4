using System.Text.RegularExpressions;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>
/// Every workflow the documentation shows is valid: the files under <c>docs/examples</c> parse, refer only to the
/// example functions and to each other, and every complete workflow printed in <c>docs/*.md</c> is one of those files.
/// </summary>
public sealed partial class DocumentationExamplesTests
{
    private const string SchemaComment = "# yaml-language-server:";

    public static TheoryData<string> ExampleFiles()
    {
        var files = new TheoryData<string>();
        foreach (var file in ExamplePaths())
        {
            files.Add(Path.GetFileName(file));
        }

        return files;
    }

    public static TheoryData<string, int> DocumentedWorkflows()
    {
        var blocks = new TheoryData<string, int>();
        foreach (var (page, index, _) in CompleteYamlBlocks())
        {
            blocks.Add(page, index);
        }

        return blocks;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Parse_ExampleFile_HasNoDiagnostics(string fileName)
    {
        var result = ParseExample(Path.Combine(ExamplesFolder(), fileName));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Validate_AllExamplesTogether_CallOnlyExampleFunctionsAndLoadedWorkflows()
    {
        var catalog = new WorkflowCatalog();
        var workflows = ExamplePaths().Select(path => ParseExample(path).Workflow).OfType<WorkflowDefinition>().ToList();
        foreach (var workflow in workflows)
        {
            Assert.True(catalog.TryAdd(workflow), $"{workflow.Name}@{workflow.Version} is defined twice under docs/examples");
        }

        var functions = ExampleFunctionNames();
        var diagnostics = workflows.SelectMany(workflow => WorkflowValidator.Validate(workflow, catalog, functions)).ToList();

        Assert.Contains("greet", functions);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [MemberData(nameof(DocumentedWorkflows))]
    public void Docs_CompleteWorkflowShown_IsAnExampleFile(string page, int block)
    {
        var yaml = CompleteYamlBlocks().Single(b => b.Page == page && b.Index == block).Yaml;
        var examples = ExamplePaths().Select(path => WithoutSchemaComment(File.ReadAllText(path))).ToList();

        Assert.True(
            examples.Contains(Normalize(yaml), StringComparer.Ordinal),
            $"{page}, yaml block {block}: a complete workflow shown in the docs must also be a file under docs/examples (identical apart from the '{SchemaComment}' line)");
    }

    private static ParseResult ParseExample(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        return WorkflowParser.Parse(File.ReadAllText(path), Path.GetFileName(path), relative =>
        {
            var template = Path.GetFullPath(Path.Combine(folder, relative));
            return File.Exists(template) ? File.ReadAllText(template) : null;
        });
    }

    /// <summary>The names in <c>[Function("…")]</c> attributes of the example functions project.</summary>
    private static HashSet<string> ExampleFunctionNames() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "workflows", "Orchestrator.Examples"), "*.cs")
            .SelectMany(file => FunctionAttribute().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Fenced <c>yaml</c> blocks in <c>docs/*.md</c> that hold a whole workflow (a top-level <c>document:</c>).</summary>
    private static IEnumerable<(string Page, int Index, string Yaml)> CompleteYamlBlocks()
    {
        foreach (var page in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            var index = 0;
            foreach (Match match in YamlBlock().Matches(File.ReadAllText(page).ReplaceLineEndings("\n")))
            {
                index++;
                var yaml = match.Groups["yaml"].Value;
                if (yaml.StartsWith("document:", StringComparison.Ordinal) || yaml.Contains("\ndocument:", StringComparison.Ordinal))
                {
                    yield return (Path.GetFileName(page), index, yaml);
                }
            }
        }
    }

    private static string WithoutSchemaComment(string yaml) =>
        Normalize(string.Join('\n', yaml.ReplaceLineEndings("\n").Split('\n').Where(line => !line.StartsWith(SchemaComment, StringComparison.Ordinal))));

    private static string Normalize(string yaml) => yaml.ReplaceLineEndings("\n").Trim('\n');

    private static List<string> ExamplePaths() =>
        [.. Directory.EnumerateFiles(ExamplesFolder(), "*.yaml").Order(StringComparer.Ordinal)];

    private static string ExamplesFolder() => Path.Combine(RepositoryRoot(), "docs", "examples");

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

    [GeneratedRegex(@"\[Function\(""(?<name>[^""]+)""\)\]", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex(@"^```yaml\n(?<yaml>.*?)^```", RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
