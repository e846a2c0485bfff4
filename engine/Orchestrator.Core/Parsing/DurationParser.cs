using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace Orchestrator.Core.Parsing;

/// <summary>
/// Reads durations: <c>250ms</c>, <c>5s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, compounds such as <c>1m30s</c>
/// (largest unit first, each once), and ISO 8601 of fixed length (<c>PT5S</c>, <c>P1DT2H</c>, <c>P2W</c>).
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
            return TryParseIso(text, out duration);
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || matches.Sum(m => m.Length) != text.Length)
        {
            return false;
        }

        double milliseconds = 0;
        var previous = double.MaxValue;
        foreach (Match match in matches)
        {
            var amount = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var unit = match.Groups["u"].Value switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => 86_400_000,
            };

            // Largest unit first, each once: 1h30m, not 30m1h or 1s1s (which are most likely typos).
            if (unit >= previous)
            {
                return false;
            }

            previous = unit;
            milliseconds += amount * unit;
        }

        if (milliseconds > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>
    /// ISO 8601 durations of fixed length: weeks (<c>P2W</c>), days and time (<c>P1DT2H</c>, <c>PT1M30S</c>). Years and
    /// months are refused: their length depends on the calendar.
    /// </summary>
    private static bool TryParseIso(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (IsoWeeks().Match(text) is { Success: true } weeks)
        {
            var days = double.Parse(weeks.Groups["n"].Value, CultureInfo.InvariantCulture) * 7;
            if (days > TimeSpan.MaxValue.TotalDays / 2)
            {
                return false;
            }

            duration = TimeSpan.FromDays(days);
            return true;
        }

        var time = text.IndexOf('T', StringComparison.Ordinal);
        var datePart = time < 0 ? text : text[..time];
        if (datePart.Contains('Y', StringComparison.Ordinal) || datePart.Contains('M', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return duration >= TimeSpan.Zero;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^P(?<n>\d+(\.\d+)?)W$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWeeks();

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)(?<u>ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
