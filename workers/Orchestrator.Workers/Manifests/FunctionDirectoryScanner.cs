using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;

namespace Orchestrator.Workers.Manifests;

/// <summary>Finds every <c>&lt;folder&gt;/*/function.yaml</c> and parses it.</summary>
public static class FunctionDirectoryScanner
{
    /// <summary>
    /// Parses the manifest of each direct subfolder of <paramref name="folders"/> (e.g. <c>workflows/functions</c>),
    /// in name order. Subfolders without a manifest are skipped (shared code may live there); a folder that does not
    /// exist and a function name defined twice are diagnostics.
    /// </summary>
    public static FunctionScanResult Scan(IEnumerable<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var manifests = new List<FunctionManifest>();
        var diagnostics = new List<Diagnostic>();
        var seen = new Dictionary<string, FunctionManifest>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                diagnostics.Add(new Diagnostic(new SourceLocation(folder, 1, 1), "functions folder does not exist"));
                continue;
            }

            var paths = Directory.EnumerateDirectories(folder)
                .Select(directory => Path.Combine(directory, ManifestParser.FileName))
                .Where(File.Exists)
                .Order(StringComparer.Ordinal);
            foreach (var path in paths)
            {
                var result = ManifestParser.Load(path);
                diagnostics.AddRange(result.Diagnostics);
                if (result.Manifest is not { } manifest)
                {
                    continue;
                }

                if (seen.TryGetValue(manifest.Name, out var first))
                {
                    diagnostics.Add(new Diagnostic(manifest.Location, $"function '{manifest.Name}' is already defined by {first.Location.File}"));
                    continue;
                }

                seen[manifest.Name] = manifest;
                manifests.Add(manifest);
            }
        }

        return new FunctionScanResult(manifests, diagnostics);
    }
}
