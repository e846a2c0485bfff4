using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Tests.Manifests;

public sealed class FunctionDirectoryScannerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"orchestrator-scan-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Scan_TheTestFunctions_FindsEveryManifest()
    {
        var result = FunctionDirectoryScanner.Scan([TestFunctions.Folder]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            ["node-echo", "node-oom", "node-stray", "php-echo", "php-oom", "py-crash", "py-echo", "py-sleeper", "py-slow-init", "py-slow"],
            result.Manifests.Select(manifest => manifest.Name));
    }

    [Fact]
    public void Scan_ValidBrokenAndForeignFolders_KeepsTheValidOnesAndReportsTheRest()
    {
        var folder = Path.Combine(_root, "functions");
        Write("functions/good/function.yaml", "runtime: python\nhandler: main.py:run\n");
        Write("functions/good/main.py", "def run(payload, context):\n    return payload\n");
        var broken = Write("functions/broken/function.yaml", "runtime: python\nhandler: main.py:run\n");
        Write("functions/shared/util.py", "");
        Write("more/good/function.yaml", "runtime: dotnet\n");

        var result = FunctionDirectoryScanner.Scan([folder, Path.Combine(_root, "more"), Path.Combine(_root, "missing")]);

        Assert.Equal("good", Assert.Single(result.Manifests).Name);
        Assert.Equal(
            [
                $"{broken}:2:10: error: handler file 'main.py' does not exist in {Path.GetDirectoryName(broken)}",
                $"{Path.Combine(_root, "more", "good", "function.yaml")}:1:1: error: function 'good' is already defined by {Path.Combine(folder, "good", "function.yaml")}",
                $"{Path.Combine(_root, "missing")}:1:1: error: functions folder does not exist",
            ],
            result.Diagnostics.Select(diagnostic => diagnostic.ToString()));
    }
}
