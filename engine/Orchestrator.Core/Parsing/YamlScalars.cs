using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>Converts YAML nodes to JSON with the YAML 1.2 core schema: plain scalars may be null, booleans or numbers; quoted ones are strings.</summary>
internal static class YamlScalars
{
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalarNode scalar => ScalarToJson(scalar),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(KeyText(pair.Key), ToJson(pair.Value)))),
        _ => null,
    };

    public static string KeyText(YamlNode key) => key is YamlScalarNode scalar ? scalar.Value ?? "" : key.ToString();

    public static bool IsPlain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (!IsPlain(scalar))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (LooksNumeric(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    private static bool LooksNumeric(string text) =>
        text.Length > 0 && (char.IsDigit(text[0]) || ((text[0] is '-' or '+' or '.') && text.Length > 1 && (char.IsDigit(text[1]) || text[1] == '.')));
}
