using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Engine.Loading;

/// <summary>Reads workflow files from disk (files, or folders searched recursively) and validates them together.</summary>
public static class WorkflowLoader
{
    /// <summary>File names that live beside workflows but are not workflows.</summary>
    private static readonly string[] NotWorkflows = ["function.yaml", "function.yml", "services.yaml", "docker-compose.yml", "docker-compose.yaml"];

    /// <summary>Loads and validates every workflow under <paramref name="paths"/>.</summary>
    /// <param name="paths">Workflow files or folders.</param>
    /// <param name="functions">Names of the functions that can be called.</param>
    public static LoadResult Load(IEnumerable<string> paths, IReadOnlyCollection<string> functions) =>
        Load(paths, _ => functions);

    /// <summary>Loads and validates every workflow under <paramref name="paths"/>, each against its own functions.</summary>
    /// <param name="paths">Workflow files or folders.</param>
    /// <param name="functionsFor">Names of the functions a workflow can call (e.g. those in <c>functions/</c> beside it).</param>
    public static LoadResult Load(IEnumerable<string> paths, Func<WorkflowDefinition, IReadOnlyCollection<string>> functionsFor)
    {
        ArgumentNullException.ThrowIfNull(functionsFor);
        ArgumentNullException.ThrowIfNull(paths);
        var diagnostics = new List<Diagnostic>();
        var catalog = new WorkflowCatalog();
        var loaded = new List<WorkflowDefinition>();
        var partial = new List<WorkflowDefinition>();
        foreach (var file in paths.SelectMany(FindFiles).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            var result = Parse(file);
            diagnostics.AddRange(result.Diagnostics);
            if (result.Workflow is not { } workflow)
            {
                if (result.Partial is { } readable)
                {
                    partial.Add(readable);
                }

                continue;
            }

            if (!catalog.TryAdd(workflow))
            {
                var first = catalog.Find(workflow.Name, workflow.Version)!;
                diagnostics.Add(new Diagnostic(workflow.Location, $"workflow {workflow.Name}@{workflow.Version} is also defined in {first.SourceFile}"));
                partial.Add(workflow);
                continue;
            }

            loaded.Add(workflow);
        }

        foreach (var workflow in loaded)
        {
            diagnostics.AddRange(WorkflowValidator.Validate(workflow, catalog, functionsFor(workflow)));
        }

        // A file with errors (or a duplicate) is not loaded, but its readable steps are still checked: validate
        // reports every problem.
        foreach (var workflow in partial)
        {
            diagnostics.AddRange(WorkflowValidator.Validate(workflow, catalog, functionsFor(workflow)));
        }

        return new LoadResult(catalog, loaded, diagnostics);
    }

    /// <summary>Parses one file, reading template files relative to it.</summary>
    public static ParseResult Parse(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var shown = Display(file);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (IOException ex)
        {
            return new ParseResult(null, [new Diagnostic(new SourceLocation(shown, 1, 1), $"cannot read the file: {ex.Message}")]);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return WorkflowParser.Parse(text, shown, relative =>
        {
            var path = Path.GetFullPath(Path.Combine(folder, relative));
            return File.Exists(path) ? File.ReadAllText(path) : null;
        });
    }

    private static IEnumerable<string> FindFiles(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Where(f => !NotWorkflows.Contains(Path.GetFileName(f), StringComparer.OrdinalIgnoreCase))
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
                .Order(StringComparer.Ordinal);
        }

        return [path];
    }

    private static string Display(string file)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(file) : relative;
    }
}
