using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>A YAML mapping read with positions: lookups by key, and a check that no unknown keys are present.</summary>
internal sealed class YamlMap
{
    private readonly List<(YamlScalarNode Key, YamlNode Value)> _entries = [];

    private YamlMap(YamlMappingNode node)
    {
        Node = node;
    }

    public YamlMappingNode Node { get; }

    public IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries => _entries;

    /// <summary>Reads a mapping; non-scalar and duplicate keys are reported.</summary>
    public static YamlMap Read(YamlMappingNode node, ParseContext context)
    {
        var map = new YamlMap(node);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode scalar)
            {
                context.Error(key, "keys must be plain text");
                continue;
            }

            if (!seen.Add(scalar.Value ?? ""))
            {
                context.Error(key, $"duplicate key '{scalar.Value}'");
                continue;
            }

            map._entries.Add((scalar, value));
        }

        return map;
    }

    public YamlNode? this[string key] => _entries.FirstOrDefault(e => e.Key.Value == key).Value;

    public bool Has(string key) => this[key] is not null;

    public YamlScalarNode? KeyNode(string key) => _entries.FirstOrDefault(e => e.Key.Value == key).Key;

    /// <summary>Reports every key not in <paramref name="allowed"/>, naming <paramref name="where"/>.</summary>
    public void RejectUnknownKeys(ParseContext context, string where, IReadOnlyList<string> allowed)
    {
        foreach (var (key, _) in _entries)
        {
            if (!allowed.Contains(key.Value, StringComparer.Ordinal))
            {
                context.Error(key, $"unknown key '{key.Value}' in {where} (allowed: {string.Join(", ", allowed)})");
            }
        }
    }
}
