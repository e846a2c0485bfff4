using Orchestrator.Core.Parsing;
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

    /// <summary>Reads the file; a malformed one throws <see cref="FormatException"/> with file:line:col.</summary>
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
            throw new FormatException($"{path}:{ex.Start.Line}:{ex.Start.Column}: error: invalid YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new ServicesFile(folder, [], []);
        }

        var requires = Items(root, "requires").Select(node => ReadRequirement(node, path)).ToList();
        var services = Items(root, "services").Select(node => ReadService(node, path)).ToList();
        return new ServicesFile(folder, requires, services);
    }

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode root, string key) =>
        root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>()
            : [];

    private static ServiceRequirement ReadRequirement(YamlMappingNode node, string path)
    {
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
        var name = Text(node, "name") ?? throw Error(node, path, "a service needs 'name'");
        if (!node.Children.TryGetValue(new YamlScalarNode("command"), out var command) || command is not YamlSequenceNode parts || parts.Children.Count == 0)
        {
            throw Error(node, path, $"service '{name}' needs 'command': a list such as [python3, server.py]");
        }

        string? tcp = null;
        var timeout = TimeSpan.FromSeconds(15);
        if (node.Children.TryGetValue(new YamlScalarNode("ready"), out var ready) && ready is YamlMappingNode readiness)
        {
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

    private static FormatException Error(YamlNode node, string path, string message) =>
        new($"{path}:{node.Start.Line}:{node.Start.Column}: error: {message}");
}
