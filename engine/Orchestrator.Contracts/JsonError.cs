using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Contracts;

/// <summary>
/// A JSON parse error in words a user reads: System.Text.Json's reason without its
/// <c>LineNumber: 0 | BytePositionInLine: 1.</c> tail, and the place as a 1-based line and column.
/// </summary>
public static partial class JsonError
{
    /// <summary>The reason and place of <paramref name="ex"/>, thrown while parsing <paramref name="text"/>.</summary>
    public static string Describe(JsonException ex, string text)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(text);
        var reason = Advice().Replace(Tail().Replace(ex.Message, ""), "").Trim().TrimEnd('.');
        if (reason.Length == 0)
        {
            reason = "unexpected text";
        }

        if (ex.LineNumber is not { } line || ex.BytePositionInLine is not { } bytes)
        {
            return reason;
        }

        // The reader counts bytes of UTF-8 in the line; a column counts characters.
        var lines = text.Split('\n');
        var column = bytes;
        if (line < lines.Length)
        {
            var utf8 = Encoding.UTF8.GetBytes(lines[line]);
            column = Encoding.UTF8.GetCharCount(utf8, 0, (int)Math.Min(bytes, utf8.Length));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{reason} at line {line + 1}, column {column + 1}");
    }

    // "… Path: $.a | LineNumber: 0 | BytePositionInLine: 7." (the path only for some errors).
    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+\s*\|\s*BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex Tail();

    // Advice meant for programmers ("… not supported in this mode. Change the reader options."): a user cannot.
    [GeneratedRegex(@"(\s+in this mode)?\.\s*Change the reader options\.?", RegexOptions.IgnoreCase)]
    private static partial Regex Advice();
}
