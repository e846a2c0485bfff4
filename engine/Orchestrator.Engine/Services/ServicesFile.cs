using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Engine.Services;

/// <summary>
/// <c>services.yaml</c> beside a workflow: what its functions need installed (<c>requires</c>) and the local
/// processes to start for a run (<c>services</c>).
/// </summary>
public sealed record ServicesFile(string Folder, IReadOnlyList<ServiceRequirement> Requires, IReadOnlyList<LocalService> Services)
{
    /// <summary>The file name looked for beside a workflow.</summary>
    public const string FileName = "services.yaml";

    private static readonly string[] TopKeys = ["requires", "services"];
    private static readonly string[] RequirementKeys = ["command", "path", "python-module", "apt"];
    private static readonly string[] ServiceKeys = ["name", "command", "ready"];
    private static readonly string[] ReadyKeys = ["tcp", "timeout"];

    /// <summary>
    /// Reads the file; a malformed one (bad YAML, an unknown key, a missing or ill-typed field) throws
    /// <see cref="ServicesFileException"/> with file:line:col.
    /// </summary>
    public static ServicesFile Load(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlException ex)
        {
            throw new ServicesFileException(new Diagnostic(new SourceLocation(path, (int)ex.Start.Line, (int)ex.Start.Column), $"invalid YAML: {ex.Message}"), ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new ServicesFile(folder, [], []);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Error(stream.Documents[0].RootNode, path, "services.yaml must be a mapping with 'requires' and 'services'");
        }

        CheckKeys(root, TopKeys, path, "in services.yaml");
        var requires = Items(root, "requires", path).Select(node => ReadRequirement(node, path)).ToList();
        var services = Items(root, "services", path).Select(node => ReadService(node, path)).ToList();
        return new ServicesFile(folder, requires, services);
    }

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode root, string key, string path)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        if (node is not YamlSequenceNode list)
        {
            throw Error(node, path, $"'{key}' must be a list");
        }

        return list.Children.Select(item => item as YamlMappingNode ?? throw Error(item, path, $"each item of '{key}' must be a mapping"));
    }

    private static void CheckKeys(YamlMappingNode node, string[] allowed, string path, string where)
    {
        foreach (var key in node.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || !allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Error(key, path, $"unknown key '{(key as YamlScalarNode)?.Value ?? key.ToString()}' {where} (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    private static ServiceRequirement ReadRequirement(YamlMappingNode node, string path)
    {
        CheckKeys(node, RequirementKeys, path, "in a requirement");
        var apt = Text(node, "apt") ?? throw Error(node, path, "a requirement needs 'apt': the Debian package that provides it");
        foreach (var kind in (string[])["command", "path", "python-module"])
        {
            if (Text(node, kind) is { } value)
            {
                return new ServiceRequirement(kind, value, apt);
            }
        }

        throw Error(node, path, "a requirement needs one of 'command', 'path' or 'python-module'");
    }

    private static LocalService ReadService(YamlMappingNode node, string path)
    {
        CheckKeys(node, ServiceKeys, path, "in a service");
        var name = Text(node, "name") ?? throw Error(node, path, "a service needs 'name'");
        if (!node.Children.TryGetValue(new YamlScalarNode("command"), out var command) || command is not YamlSequenceNode parts || parts.Children.Count == 0)
        {
            throw Error(node, path, $"service '{name}' needs 'command': a list such as [python3, server.py]");
        }

        string? tcp = null;
        var timeout = TimeSpan.FromSeconds(15);
        if (parts.Children.FirstOrDefault(p => p is not YamlScalarNode) is { } part)
        {
            throw Error(part, path, $"service '{name}': each word of 'command' must be a plain value");
        }

        if (node.Children.TryGetValue(new YamlScalarNode("ready"), out var ready) && ready is not YamlMappingNode)
        {
            throw Error(ready, path, $"service '{name}': 'ready' must be a mapping such as {{ tcp: \"127.0.0.1:2525\", timeout: 15s }}");
        }

        if (ready is YamlMappingNode readiness)
        {
            CheckKeys(readiness, ReadyKeys, path, $"in the 'ready' of service '{name}'");
            tcp = Text(readiness, "tcp");
            if (Text(readiness, "timeout") is { } text && !DurationParser.TryParse(text, out timeout))
            {
                throw Error(readiness, path, $"service '{name}': invalid ready.timeout '{text}' ({DurationParser.Hint})");
            }
        }

        return new LocalService(name, [.. parts.Children.Select(p => ((YamlScalarNode)p).Value ?? "")], tcp, timeout);
    }

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;

    private static ServicesFileException Error(YamlNode node, string path, string message) =>
        new(new Diagnostic(new SourceLocation(path, (int)node.Start.Line, (int)node.Start.Column), message));
}

/// <summary>A malformed <c>services.yaml</c>: the message is <c>file:line:col: error: message</c>.</summary>
public sealed class ServicesFileException(Diagnostic diagnostic, Exception? inner = null) : FormatException(diagnostic.ToString(), inner)
{
    /// <summary>Where and what.</summary>
    public Diagnostic Diagnostic { get; } = diagnostic;
}
