using Orchestrator.Workers.Manifests;

namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>
/// Writes the benchmark's echo functions into a temporary folder: for each runtime, one functions folder without stem
/// cells (<c>prewarm: 0</c>) and one with a stem cell (<c>prewarm: 1</c>), each holding <c>echo-RUNTIME/function.yaml</c>
/// and a handler that returns its payload. No repository fixture is needed.
/// </summary>
internal sealed class EchoFunctions : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("orchestrator-coldstart-");

    public string Root => _root.FullName;

    public static string Name(Interpreter interpreter)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        return $"echo-{interpreter.Name}";
    }

    /// <summary>The functions folder (the parent of <c>echo-RUNTIME/</c>) for a runtime and a prewarm count.</summary>
    public string Folder(Interpreter interpreter, int prewarm)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        var folder = Path.Combine(Root, $"{interpreter.Name}-prewarm{prewarm}");
        var function = Path.Combine(folder, Name(interpreter));
        if (Directory.Exists(function))
        {
            return folder;
        }

        Directory.CreateDirectory(function);
        var (file, source) = interpreter.Runtime switch
        {
            FunctionRuntime.Python => ("handler.py", "def handle(payload, context):\n    return payload\n"),
            FunctionRuntime.Node => ("handler.js", "'use strict';\nexports.handle = (payload) => payload;\n"),
            _ => ("handler.php", "<?php\nfunction handle($payload, $context)\n{\n    return $payload;\n}\n"),
        };
        File.WriteAllText(Path.Combine(function, file), source);
        File.WriteAllText(Path.Combine(function, ManifestParser.FileName), $$"""
            runtime: {{interpreter.Name}}
            handler: {{file}}:handle
            scale: { min: 0, max: 1, idle: 60s, prewarm: {{prewarm}} }

            """);
        return folder;
    }

    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
