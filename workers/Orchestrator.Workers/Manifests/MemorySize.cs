using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Workers.Manifests;

/// <summary>
/// Reads memory sizes the way Kubernetes writes them: <c>128Mi</c>, <c>1Gi</c> (powers of 1024), <c>500M</c>,
/// <c>1G</c> (powers of 1000), or a plain number of bytes.
/// </summary>
public static partial class MemorySize
{
    /// <summary>The hint shown with every bad size.</summary>
    public const string Hint = "use e.g. 128Mi, 512Mi or 1Gi";

    /// <summary>Parses <paramref name="text"/>, or returns false.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = Size().Match(text?.Trim() ?? "");
        if (!match.Success || !decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        decimal unit = match.Groups["u"].Value switch
        {
            "" => 1,
            "k" or "K" => 1e3m,
            "M" => 1e6m,
            "G" => 1e9m,
            "T" => 1e12m,
            "Ki" => 1L << 10,
            "Mi" => 1L << 20,
            "Gi" => 1L << 30,
            _ => 1L << 40,
        };
        var total = amount * unit;
        if (total > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)decimal.Truncate(total);
        return true;
    }

    /// <summary>Formats bytes in the largest binary unit that divides them: 268435456 → <c>256Mi</c>.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["", "Ki", "Mi", "Gi", "Ti"];
        var unit = 0;
        while (unit < units.Length - 1 && bytes != 0 && bytes % 1024 == 0)
        {
            bytes /= 1024;
            unit++;
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + units[unit];
    }

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>Ki|Mi|Gi|Ti|k|K|M|G|T)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Size();
}
