using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace Orchestrator.Core.Parsing;

/// <summary>
/// Reads durations: <c>250ms</c>, <c>5s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, compounds such as <c>1m30s</c>,
/// and ISO 8601 (<c>PT5S</c>).
/// </summary>
public static partial class DurationParser
{
    /// <summary>The hint shown with every bad duration.</summary>
    public const string Hint = "use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S";

    /// <summary>Parses <paramref name="text"/>, or returns false.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.StartsWith('P'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text);
                return duration >= TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || matches.Sum(m => m.Length) != text.Length)
        {
            return false;
        }

        double milliseconds = 0;
        foreach (Match match in matches)
        {
            var amount = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            milliseconds += amount * match.Groups["u"].Value switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => 86_400_000,
            };
        }

        if (milliseconds > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)(?<u>ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
