using System.Globalization;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Workers.Manifests;

/// <summary>
/// Typed reads from one manifest's YAML nodes, each bad value reported at its own line and column.
/// (Core's workflow readers are internal to Core; a manifest needs only these few.)
/// </summary>
internal sealed class ManifestReader(string file)
{
    public string File { get; } = file;

    public List<Diagnostic> Diagnostics { get; } = [];

    public SourceLocation At(YamlNode node) => At(node.Start);

    public SourceLocation At(Mark mark) => new(File, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));

    public void Error(YamlNode node, string message) => Error(At(node), message);

    public void Error(SourceLocation location, string message) => Diagnostics.Add(new Diagnostic(location, message));

    /// <summary>Reads a mapping's entries by key; non-text keys and unknown keys are reported.</summary>
    public Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Map(YamlMappingNode node, string where, IReadOnlyCollection<string>? allowed)
    {
        var entries = new Dictionary<string, (YamlScalarNode, YamlNode)>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } text } scalar)
            {
                Error(key, $"keys in {where} must be plain text");
                continue;
            }

            if (allowed is not null && !allowed.Contains(text))
            {
                Error(key, $"unknown key '{text}' in {where} (allowed: {string.Join(", ", allowed)})");
                continue;
            }

            // YamlDotNet rejects duplicate keys while loading; TryAdd is a second guard, not the check.
            entries.TryAdd(text, (scalar, value));
        }

        return entries;
    }

    public string? String(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } text } scalar && (scalar.Style != ScalarStyle.Plain || !IsNull(text)))
        {
            return text;
        }

        Error(node, $"'{what}' must be a non-empty string");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string what, bool allowZero)
    {
        if (node is YamlScalarNode { Value: { } text } && DurationParser.TryParse(text, out var duration) && (allowZero || duration > TimeSpan.Zero))
        {
            return duration;
        }

        Error(node, $"invalid duration '{Shown(node)}' in '{what}' ({DurationParser.Hint}{(allowZero ? "" : "; more than zero")})");
        return null;
    }

    public int? Int(YamlNode node, string what, int minimum, int maximum)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
        {
            return value;
        }

        Error(node, $"'{what}' must be a whole number from {minimum} to {maximum}, got '{Shown(node)}'");
        return null;
    }

    public long? Memory(YamlNode node, string what, long minimum)
    {
        if (node is YamlScalarNode { Value: { } text } && MemorySize.TryParse(text, out var bytes))
        {
            if (bytes >= minimum)
            {
                return bytes;
            }

            Error(node, $"'{what}' must be at least {MemorySize.Format(minimum)} (an interpreter alone needs about that), got '{text}'");
            return null;
        }

        Error(node, $"invalid memory size '{Shown(node)}' in '{what}' ({MemorySize.Hint})");
        return null;
    }

    public static string Shown(YamlNode node) =>
        node is YamlScalarNode { Value: { } value } ? value : node.NodeType.ToString().ToLowerInvariant();

    private static bool IsNull(string text) => text is "~" or "null" or "Null" or "NULL";
}
