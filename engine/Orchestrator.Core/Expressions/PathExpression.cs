using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// The fast path for the most common expression, a plain path such as <c>{{ order.lines[0].sku }}</c>: it is read
/// straight from the scope's JSON, with Scriban's meaning (a missing member or index is null), without building a
/// Scriban context. A path whose first name is not in scope falls back to Scriban, which knows its built-ins and
/// reports unknown names.
/// </summary>
internal sealed partial class PathExpression
{
    private readonly string _root;
    private readonly object[] _segments;

    private PathExpression(string root, object[] segments)
    {
        _root = root;
        _segments = segments;
    }

    /// <summary>Recognises <c>name(.member | [index])*</c>, or returns null.</summary>
    public static PathExpression? TryParse(string inner)
    {
        var match = Path().Match(inner);
        if (!match.Success)
        {
            return null;
        }

        var segments = match.Groups["segment"].Captures.Select(c => c.Value[0] == '['
            ? (object)int.Parse(c.Value.AsSpan(1, c.Value.Length - 2), CultureInfo.InvariantCulture)
            : c.Value[1..]).ToArray();
        return new PathExpression(match.Groups["root"].Value, segments);
    }

    /// <summary>Reads the value; false when the root name is not in scope (let Scriban decide).</summary>
    public bool TryEvaluate(ExpressionScope scope, out JsonNode? value)
    {
        if (!scope.TryGet(_root, out value))
        {
            return false;
        }

        foreach (var segment in _segments)
        {
            value = (segment, value) switch
            {
                (string member, JsonObject obj) => obj[member],
                (int index, JsonArray array) => index >= 0 && index < array.Count ? array[index] : null,
                _ => null,
            };
        }

        return true;
    }

    [GeneratedRegex(@"^\s*(?<root>[A-Za-z_][A-Za-z0-9_]*)(?<segment>\.[A-Za-z_][A-Za-z0-9_]*|\[\d{1,9}\])*\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Path();
}
