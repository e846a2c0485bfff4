using Orchestrator.Engine.Loading;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator validate PATH...</c>: every problem as <c>file:line:col: error: message</c>; exit 1 when any.</summary>
internal static class ValidateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var arguments = new Arguments(args, [], []);
        if (arguments.Positionals.Count == 0)
        {
            throw new UsageException("validate needs at least one workflow file or folder");
        }

        foreach (var path in arguments.Positionals.Where(p => !File.Exists(p) && !Directory.Exists(p)))
        {
            throw new UsageException($"no such file or folder: {path}");
        }

        var result = WorkflowLoader.Load(arguments.Positionals, FunctionCatalog.Create().Names);
        foreach (var diagnostic in result.Diagnostics)
        {
            stderr.WriteLine(diagnostic);
        }

        var files = result.Workflows.Count + result.Diagnostics.Select(d => d.Location.File).Distinct(StringComparer.Ordinal).Count(f => result.Workflows.All(w => w.SourceFile != f));
        stdout.WriteLine(result.Diagnostics.Count == 0
            ? $"{result.Workflows.Count} workflow(s) valid"
            : $"{result.Diagnostics.Count} error(s) in {files} file(s)");
        return result.Diagnostics.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
