using System.Text.RegularExpressions;
using Orchestrator.Core.Definitions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Workers.Manifests;

/// <summary>
/// Turns <c>functions/&lt;name&gt;/function.yaml</c> into a <see cref="FunctionManifest"/>, or into
/// <c>file:line:col</c> diagnostics: bad YAML, unknown keys, bad values, a handler file that does not exist.
/// </summary>
public static partial class ManifestParser
{
    /// <summary>The manifest's file name inside a function's folder.</summary>
    public const string FileName = "function.yaml";

    /// <summary>The smallest memory limit accepted: below it no interpreter starts.</summary>
    public const long MinimumMemoryBytes = 32L * 1024 * 1024;

    private static readonly string[] Keys = ["name", "runtime", "handler", "timeout", "memory", "process", "scale", "env", "secrets"];
    private static readonly string[] ScaleKeys = ["min", "max", "idle", "prewarm"];

    /// <summary>Reads and parses a manifest file; diagnostics show <paramref name="manifestPath"/> as given.</summary>
    public static ManifestParseResult Load(string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        string yaml;
        try
        {
            yaml = File.ReadAllText(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ManifestParseResult(null, [new(new SourceLocation(manifestPath, 1, 1), $"cannot read the manifest: {ex.Message}")]);
        }

        return Parse(yaml, manifestPath, directory, File.Exists);
    }

    /// <summary>Parses a manifest's text.</summary>
    /// <param name="yaml">The file's contents.</param>
    /// <param name="file">The path shown in diagnostics.</param>
    /// <param name="directory">The function's folder: its name is the default function name, handlers are relative to it.</param>
    /// <param name="fileExists">Checks that the handler file exists; <see cref="File.Exists(string)"/> when null.</param>
    public static ManifestParseResult Parse(string yaml, string file, string directory, Func<string, bool>? fileExists = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(directory);
        var reader = new ManifestReader(file);
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (stream.Documents.Count > 1)
            {
                reader.Error(stream.Documents[1].RootNode, "a manifest holds one YAML document; found another after '---'");
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            reader.Diagnostics.Add(YamlErrors.Describe(ex, yaml, file));
            return new ManifestParseResult(null, reader.Diagnostics);
        }

        if (root is not YamlMappingNode mapping)
        {
            var where = root is null or YamlScalarNode { Value: null or "" } ? new SourceLocation(file, 1, 1) : reader.At(root);
            reader.Error(where, "a manifest must be a mapping with at least 'runtime' and 'handler'");
            return new ManifestParseResult(null, reader.Diagnostics);
        }

        var manifest = Read(mapping, reader, Path.GetFullPath(directory), fileExists ?? File.Exists);
        return new ManifestParseResult(reader.Diagnostics.Count == 0 ? manifest : null, reader.Diagnostics);
    }

    private static FunctionManifest? Read(YamlMappingNode mapping, ManifestReader reader, string directory, Func<string, bool> fileExists)
    {
        var map = reader.Map(mapping, FileName, Keys);
        var folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        var name = folderName;
        if (map.TryGetValue("name", out var n) && reader.String(n.Value, "name") is { } declared && declared != folderName)
        {
            reader.Error(n.Value, $"name '{declared}' must match the function's folder name '{folderName}' (or be left out)");
        }

        if (!FunctionName().IsMatch(name))
        {
            reader.Error(mapping, $"the folder name '{name}' is not a valid function name: use letters, digits, '-', '_' or '.', starting with a letter or digit");
        }

        FunctionRuntime? runtime = null;
        if (map.TryGetValue("runtime", out var r))
        {
            runtime = ReadRuntime(r.Value, reader);
        }
        else
        {
            reader.Error(mapping, "the manifest is missing required key 'runtime' (python, node, php or dotnet)");
        }

        var handler = "";
        if (map.TryGetValue("handler", out var h))
        {
            handler = ReadHandler(h.Value, runtime, reader, directory, fileExists) ?? "";
        }
        else if (runtime is not FunctionRuntime.DotNet)
        {
            reader.Error(mapping, $"the manifest is missing required key 'handler' (e.g. {Example(runtime ?? FunctionRuntime.Python)})");
        }

        var timeout = map.TryGetValue("timeout", out var t) ? reader.Duration(t.Value, "timeout", allowZero: false) : null;
        var memory = map.TryGetValue("memory", out var m) ? reader.Memory(m.Value, "memory", MinimumMemoryBytes) : null;
        var process = map.TryGetValue("process", out var p) ? ReadProcess(p.Value, reader) : null;
        var scale = map.TryGetValue("scale", out var s) ? ReadScale(s.Value, reader) : null;
        var env = map.TryGetValue("env", out var e) ? ReadEnv(e.Value, reader) : null;
        var secrets = map.TryGetValue("secrets", out var k) ? ReadSecrets(k.Value, reader, env) : null;
        if (runtime is not { } known)
        {
            return null;
        }

        return new FunctionManifest
        {
            Name = name,
            Runtime = known,
            Handler = handler,
            Directory = directory,
            Timeout = timeout ?? FunctionManifest.DefaultTimeout,
            MemoryBytes = memory ?? FunctionManifest.DefaultMemoryBytes,
            Process = process ?? ProcessMode.Resident,
            Scale = scale ?? ScaleSettings.Default,
            Env = env ?? new Dictionary<string, string>(StringComparer.Ordinal),
            Secrets = secrets ?? [],
            Location = reader.At(mapping),
        };
    }

    private static FunctionRuntime? ReadRuntime(YamlNode node, ManifestReader reader)
    {
        switch (reader.String(node, "runtime"))
        {
            case null:
                return null;
            case "python":
                return FunctionRuntime.Python;
            case "node":
                return FunctionRuntime.Node;
            case "php":
                return FunctionRuntime.Php;
            case "dotnet":
                return FunctionRuntime.DotNet;
            case var other:
                reader.Error(node, $"runtime '{other}' is not supported (python, node, php or dotnet)");
                return null;
        }
    }

    private static string? ReadHandler(YamlNode node, FunctionRuntime? runtime, ManifestReader reader, string directory, Func<string, bool> fileExists)
    {
        if (reader.String(node, "handler") is not { } handler)
        {
            return null;
        }

        if (runtime is FunctionRuntime.DotNet or null)
        {
            // A C# function lives in the host's assemblies; there is no file to check.
            return handler;
        }

        // Split at the first colon, as every adapter does (PHP's name may hold '::').
        var colon = handler.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == handler.Length - 1)
        {
            reader.Error(node, $"handler '{handler}' must look like '{Example(runtime.Value)}': a file, a colon, and the function's name");
            return null;
        }

        var file = handler[..colon];
        string[] extensions = runtime switch
        {
            FunctionRuntime.Python => [".py"],
            FunctionRuntime.Node => [".js", ".cjs", ".mjs"],
            _ => [".php"],
        };
        if (!extensions.Contains(Path.GetExtension(file), StringComparer.Ordinal))
        {
            reader.Error(node, $"handler file '{file}' must end in {string.Join(" or ", extensions)} for runtime {Lower(runtime.Value)}");
            return null;
        }

        if (!fileExists(Path.Combine(directory, file)))
        {
            reader.Error(node, $"handler file '{file}' does not exist in {directory}");
            return null;
        }

        return handler;
    }

    private static ProcessMode? ReadProcess(YamlNode node, ManifestReader reader)
    {
        switch (reader.String(node, "process"))
        {
            case null:
                return null;
            case "resident":
                return ProcessMode.Resident;
            case "one-shot":
                return ProcessMode.OneShot;
            case var other:
                reader.Error(node, $"process '{other}' is not supported (resident or one-shot)");
                return null;
        }
    }

    private static ScaleSettings? ReadScale(YamlNode node, ManifestReader reader)
    {
        if (node is not YamlMappingNode mapping)
        {
            reader.Error(node, "'scale' must be a mapping such as { min: 0, max: 4, idle: 60s, prewarm: 0 }");
            return null;
        }

        var map = reader.Map(mapping, "scale", ScaleKeys);
        var defaults = ScaleSettings.Default;
        var min = map.TryGetValue("min", out var a) ? reader.Int(a.Value, "scale.min", 0, 1000) : defaults.Min;
        var max = map.TryGetValue("max", out var b) ? reader.Int(b.Value, "scale.max", 1, 1000) : defaults.Max;
        var idle = map.TryGetValue("idle", out var c) ? reader.Duration(c.Value, "scale.idle", allowZero: true) : defaults.Idle;
        var prewarm = map.TryGetValue("prewarm", out var d) ? reader.Int(d.Value, "scale.prewarm", 0, 64) : defaults.Prewarm;
        if (min is { } low && max is { } high && low > high)
        {
            reader.Error(map["min"].Value, $"scale.min ({low}) cannot exceed scale.max ({high})");
            return null;
        }

        return min is null || max is null || idle is null || prewarm is null ? null : new ScaleSettings(min.Value, max.Value, idle.Value, prewarm.Value);
    }

    private static Dictionary<string, string>? ReadEnv(YamlNode node, ManifestReader reader)
    {
        if (node is not YamlMappingNode mapping)
        {
            reader.Error(node, "'env' must be a mapping of names to strings, such as { SMTP_HOST: 127.0.0.1 }");
            return null;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, (key, value)) in reader.Map(mapping, "env", allowed: null))
        {
            if (!EnvName().IsMatch(name))
            {
                reader.Error(key, $"'{name}' is not an environment variable name (letters, digits and _, not starting with a digit)");
            }
            else if (value is YamlScalarNode { Value: { } text } scalar && (scalar.Style != ScalarStyle.Plain || text.Length > 0))
            {
                env[name] = text;
            }
            else
            {
                reader.Error(value, $"env '{name}' must be a string (quote it to keep it empty: \"\")");
            }
        }

        return env;
    }

    private static List<string>? ReadSecrets(YamlNode node, ManifestReader reader, Dictionary<string, string>? env)
    {
        if (node is not YamlSequenceNode sequence)
        {
            reader.Error(node, "'secrets' must be a list of environment variable names, such as [SMTP_PASSWORD]");
            return null;
        }

        var secrets = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (reader.String(item, "secrets") is not { } name)
            {
                continue;
            }

            if (!EnvName().IsMatch(name))
            {
                reader.Error(item, $"secret '{name}' is not an environment variable name (letters, digits and _, not starting with a digit)");
            }
            else if (secrets.Contains(name, StringComparer.Ordinal))
            {
                reader.Error(item, $"secret '{name}' is listed twice");
            }
            else if (env?.ContainsKey(name) == true)
            {
                reader.Error(item, $"'{name}' is both in env and in secrets; a secret's value comes from the host's environment");
            }
            else
            {
                secrets.Add(name);
            }
        }

        return secrets;
    }

    private static string Example(FunctionRuntime runtime) => runtime switch
    {
        FunctionRuntime.Node => "handler.js:handle",
        FunctionRuntime.Php => "handler.php:handle",
        _ => "handler.py:handle",
    };

    private static string Lower(FunctionRuntime runtime) => runtime.ToString().ToLowerInvariant();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
