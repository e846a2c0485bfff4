using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Contracts;

/// <summary>
/// The one nesting limit for JSON values the engine accepts (run input, expression results, function input and
/// output, messages), and the options every reader and writer of such JSON uses.
/// </summary>
/// <remarks>
/// System.Text.Json's defaults differ (64 for parsing and serializer options, 1000 for a bare writer), so without
/// these options the engine could store a value it cannot read back. Depth counts nested objects and arrays: a
/// scalar is 0 deep, <c>{"a": 1}</c> is 1, <c>{"a": {"b": []}}</c> is 3.
/// </remarks>
public static class JsonLimits
{
    /// <summary>The deepest value accepted. Deeper values fail their step or run; they are never stored.</summary>
    public const int MaxDepth = 256;

    /// <summary>
    /// What readers and writers allow: a value at <see cref="MaxDepth"/> is stored and sent inside envelopes
    /// (<c>{"output": …}</c> in history, a message's <c>data</c>, a wire message), each one level more.
    /// </summary>
    public const int MaxDocumentDepth = MaxDepth + 8;

    /// <summary>For <c>JsonNode.Parse</c> and <c>JsonDocument.Parse</c>.</summary>
    public static JsonDocumentOptions DocumentOptions => new() { MaxDepth = MaxDocumentDepth };

    /// <summary>Compact serializer options (also what <c>ToJsonString</c> needs to write deep values).</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = WithDepth(new JsonSerializerOptions());

    /// <summary>
    /// For JSON that people read (CLI output, reports): relaxed escaping keeps non-ASCII text, quotes and '+' as they
    /// are (é, not \u00E9); control characters are still escaped, so JSON can never move the cursor or recolour
    /// the terminal.
    /// </summary>
    public static JsonSerializerOptions Readable { get; } = WithDepth(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary><see cref="Readable"/>, indented.</summary>
    public static JsonSerializerOptions ReadableIndented { get; } = WithDepth(new JsonSerializerOptions(Readable) { WriteIndented = true });

    /// <summary>Sets <paramref name="options"/>' depth limit to <see cref="MaxDocumentDepth"/> and returns it.</summary>
    public static JsonSerializerOptions WithDepth(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxDepth = MaxDocumentDepth;
        return options;
    }

    /// <summary>How deeply <paramref name="value"/> nests, counting no further than <paramref name="limit"/> + 1.</summary>
    /// <remarks>Iterative, so that a value far too deep is measured without overflowing the stack.</remarks>
    public static int Depth(JsonNode? value, int limit = MaxDepth)
    {
        var deepest = 0;
        var pending = new Stack<(JsonNode Node, int Depth)>();
        if (value is not null)
        {
            pending.Push((value, 0));
        }

        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            IEnumerable<JsonNode?> children;
            switch (node)
            {
                case JsonObject obj:
                    children = obj.Select(static member => member.Value);
                    break;
                case JsonArray array:
                    children = array;
                    break;
                default:
                    continue;
            }

            deepest = Math.Max(deepest, depth + 1);
            if (deepest > limit)
            {
                return deepest;
            }

            foreach (var child in children)
            {
                if (child is not null)
                {
                    pending.Push((child, depth + 1));
                }
            }
        }

        return deepest;
    }

    /// <summary>True when <paramref name="value"/> nests deeper than <see cref="MaxDepth"/>.</summary>
    public static bool IsTooDeep(JsonNode? value) => Depth(value) > MaxDepth;

    /// <summary>The message of the error a too-deep <paramref name="what"/> fails with.</summary>
    public static string TooDeepMessage(string what) =>
        $"{what} is nested more than {MaxDepth} levels deep (objects and arrays inside each other); the most is {MaxDepth}";
}
