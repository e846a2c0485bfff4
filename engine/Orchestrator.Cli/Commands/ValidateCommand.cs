using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;
using Orchestrator.Engine.Loading;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator validate PATH... [--functions DIR]...</c>: every problem in workflows and the function manifests
/// they use, as <c>file:line:col: error: message</c>; exit 1 when any.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var arguments = new Arguments(args, ["functions"], []);
        if (arguments.Positionals.Count == 0)
        {
            throw new UsageException("validate needs at least one workflow file or folder");
        }

        foreach (var path in arguments.Positionals.Where(p => !File.Exists(p) && !Directory.Exists(p)))
        {
            throw new UsageException($"no such file or folder: {path}");
        }

        var dotnet = FunctionCatalog.Create().Names;
        var manifestProblems = new List<Diagnostic>();
        var byFolder = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        IReadOnlyCollection<string> FunctionsFor(WorkflowDefinition workflow)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(workflow.SourceFile))!;
            if (!byFolder.TryGetValue(folder, out var names))
            {
                (names, var problems) = FunctionCatalog.Names(folder, arguments.Options("functions"), dotnet);
                manifestProblems.AddRange(problems.Where(p => !manifestProblems.Contains(p)));
                byFolder[folder] = names;
            }

            return names;
        }

        var result = WorkflowLoader.Load(arguments.Positionals, FunctionsFor);
        var diagnostics = manifestProblems.Concat(result.Diagnostics).ToList();
        foreach (var diagnostic in diagnostics)
        {
            stderr.WriteLine(diagnostic);
        }

        var files = diagnostics.Select(d => d.Location.File).Distinct(StringComparer.Ordinal).Count();
        stdout.WriteLine(diagnostics.Count == 0
            ? $"{result.Workflows.Count} workflow(s) valid"
            : $"{diagnostics.Count} error(s) in {files} file(s)");
        return diagnostics.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
