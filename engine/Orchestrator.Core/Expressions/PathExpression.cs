using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// The fast path for the most common expression, a plain path such as <c>{{ order.lines[0].sku }}</c>: it is read
/// straight from the scope's JSON, with Scriban's meaning (a missing member or index is null), without building a
/// Scriban context. A path whose first name is not in scope falls back to Scriban, which knows its built-ins and
/// reports unknown names. As in Scriban, reading a member of null is an error (use <c>?.</c> or <c>??</c>, which
/// take Scriban's own path).
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
    /// <exception cref="ExpressionException">A member or index of null is read.</exception>
    public bool TryEvaluate(ExpressionScope scope, string text, out JsonNode? value)
    {
        if (!scope.TryGet(_root, out value))
        {
            return false;
        }

        for (var i = 0; i < _segments.Length; i++)
        {
            if (value is null)
            {
                throw new ExpressionException(text, $"Cannot get the member {Describe(i)} for a null object.");
            }

            value = (_segments[i], value) switch
            {
                (string member, JsonObject obj) => obj[member],
                (int index, JsonArray array) => index >= 0 && index < array.Count ? array[index] : null,
                _ => null,
            };
        }

        return true;
    }

    private string Describe(int upTo) =>
        _root + string.Concat(_segments.Take(upTo + 1).Select(s => s is int index ? $"[{index}]" : "." + s));

    [GeneratedRegex(@"^\s*(?<root>[A-Za-z_][A-Za-z0-9_]*)(?<segment>\.[A-Za-z_][A-Za-z0-9_]*|\[\d{1,9}\])*\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Path();
}
