using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;
using Orchestrator.Engine.Loading;
using Orchestrator.Engine.Services;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator validate PATH... [--functions DIR]...</c>: every problem in workflows, in the function manifests
/// they use or that lie in <c>functions/</c> folders under the paths, and in <c>services.yaml</c> files, as
/// <c>file:line:col: error: message</c>; exit 1 when any. A <c>function.yaml</c> or <c>services.yaml</c> given
/// directly is checked as what it is, not as a workflow.
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

        var extra = FunctionCatalog.Checked(arguments.Options("functions"));
        var dotnet = FunctionCatalog.Create().Names;

        // Problems in the order found, each once (a manifest is seen from every workflow folder that uses it).
        var problems = new List<Diagnostic>();
        var seen = new HashSet<Diagnostic>();
        void Report(IEnumerable<Diagnostic> found)
        {
            problems.AddRange(found.Where(seen.Add));
        }

        var manifests = new HashSet<string>(StringComparer.Ordinal);
        FunctionScanResult CheckManifests(IEnumerable<string> folders)
        {
            var scan = FunctionDirectoryScanner.Scan(folders);
            manifests.UnionWith(scan.Manifests.Select(m => Path.GetFullPath(m.Location.File)));
            Report(scan.Diagnostics.Concat(FunctionRegistryManifestExtensions.RegistrationProblems(scan.Manifests, dotnet)));
            return scan;
        }

        var services = new HashSet<string>(StringComparer.Ordinal);
        void CheckServices(string file)
        {
            if (!services.Add(Path.GetFullPath(file)))
            {
                return;
            }

            try
            {
                ServicesFile.Load(file);
            }
            catch (ServicesFileException ex)
            {
                Report([ex.Diagnostic]);
            }
        }

        // Files that are not workflows, given directly.
        var workflowPaths = new List<string>();
        foreach (var path in arguments.Positionals)
        {
            switch (Directory.Exists(path) ? null : Path.GetFileName(path))
            {
                case ManifestParser.FileName:
                    var parsed = ManifestParser.Load(path);
                    manifests.Add(Path.GetFullPath(path));
                    Report(parsed.Diagnostics.Concat(parsed.Manifest is { } manifest ? FunctionRegistryManifestExtensions.RegistrationProblems([manifest], dotnet) : []));
                    break;
                case ServicesFile.FileName:
                    CheckServices(path);
                    break;
                default:
                    workflowPaths.Add(path);
                    break;
            }
        }

        // The manifests and services of the folders given, whether or not a workflow uses them: each functions/
        // folder on its own (as for the workflows beside it), and the --functions folders.
        var folders = workflowPaths.Where(Directory.Exists).ToList();
        foreach (var folder in FunctionCatalog.FoldersUnder(folders, []).Concat(folders.Where(f => Path.GetFileName(Path.TrimEndingDirectorySeparator(f)) == "functions")).Concat(extra).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            CheckManifests([folder]);
        }

        foreach (var file in folders.SelectMany(f => Directory.EnumerateFiles(f, ServicesFile.FileName, SearchOption.AllDirectories)).Where(f => !Skipped(f)).Order(StringComparer.Ordinal))
        {
            CheckServices(file);
        }

        // Each workflow against the functions run would give it (its folder's functions/, the repository's and --functions),
        // and the services.yaml beside it.
        var byFolder = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        IReadOnlyCollection<string> FunctionsFor(WorkflowDefinition workflow)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(workflow.SourceFile))!;
            if (!byFolder.TryGetValue(folder, out var names))
            {
                var scan = CheckManifests(FunctionCatalog.Folders(folder, extra));
                if (File.Exists(Path.Combine(folder, ServicesFile.FileName)))
                {
                    // run reads the services.yaml beside the workflow before it starts.
                    CheckServices(Path.Combine(folder, ServicesFile.FileName));
                }

                names = byFolder[folder] = dotnet.Concat(scan.Manifests.Select(m => m.Name)).ToHashSet(StringComparer.Ordinal);
            }

            return names;
        }

        var result = workflowPaths.Count == 0 ? null : WorkflowLoader.Load(workflowPaths, FunctionsFor);
        var diagnostics = problems.Concat(result?.Diagnostics ?? []).ToList();
        foreach (var diagnostic in diagnostics)
        {
            stderr.WriteLine(diagnostic);
        }

        var files = diagnostics.Select(d => d.Location.File).Distinct(StringComparer.Ordinal).Count();
        if (diagnostics.Count > 0)
        {
            stdout.WriteLine($"{diagnostics.Count} error(s) in {files} file(s)");
            return ExitCodes.Failed;
        }

        var summary = $"{result?.Workflows.Count ?? 0} workflow(s) valid";
        if (manifests.Count > 0)
        {
            summary += $", {manifests.Count} function manifest(s) valid";
        }

        if (services.Count > 0)
        {
            summary += $", {services.Count} services.yaml valid";
        }

        stdout.WriteLine(summary);
        return ExitCodes.Ok;
    }

    private static bool Skipped(string file) =>
        file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules");
}
