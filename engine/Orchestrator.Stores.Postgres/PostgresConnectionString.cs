using System.Globalization;
using Npgsql;

namespace Orchestrator.Stores.Postgres;

/// <summary>
/// Reads where the store lives: a URL <c>postgresql://user:pass@host:port/db?param=value</c> (or <c>postgres://</c>,
/// as libpq and most hosting services write it), or an Npgsql key=value string <c>Host=…;Username=…;Database=…</c>.
/// </summary>
public static class PostgresConnectionString
{
    private const int DefaultPort = 5432;

    /// <summary>Whether <paramref name="value"/> is a <c>postgresql://</c> or <c>postgres://</c> URL.</summary>
    public static bool IsUrl(string? value) =>
        value is not null
        && (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase));

    /// <summary>An Npgsql connection string for a URL or a key=value string.</summary>
    /// <remarks>
    /// The URL's user, password and database are percent-decoded; a missing port is 5432; a missing database is
    /// left to Npgsql (the user's name). Query parameters: <c>sslmode</c>, <c>application_name</c>,
    /// <c>connect_timeout</c> (seconds), <c>search_path</c>, and any Npgsql keyword (<c>Pooling=false</c>, …).
    /// </remarks>
    /// <exception cref="FormatException">Not a URL this understands, or an unknown keyword.</exception>
    public static string Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!IsUrl(value))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(value).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"not a PostgreSQL connection string: {ex.Message}", ex);
            }
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"not a PostgreSQL URL: '{Redact(value)}' (expected postgresql://user:pass@host:port/database)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            // Uri keeps IPv6 hosts in brackets; Npgsql wants the bare address.
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
        };

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var text = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            try
            {
                Apply(builder, key, text);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
            {
                throw new FormatException($"PostgreSQL URL parameter '{key}={text}': {ex.Message}", ex);
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>The URL or connection string with its password replaced by <c>***</c>, to show in messages.</summary>
    public static string Redact(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsUrl(value))
        {
            var scheme = value.IndexOf("://", StringComparison.Ordinal) + 3;
            var at = value.IndexOf('@', scheme);
            var slash = value.IndexOf('/', scheme);
            if (at < 0 || (slash >= 0 && slash < at))
            {
                return value;
            }

            var colon = value.IndexOf(':', scheme);
            return colon >= 0 && colon < at ? string.Concat(value.AsSpan(0, colon + 1), "***", value.AsSpan(at)) : value;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (builder.Password is not null)
            {
                builder.Password = "***";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(an unreadable connection string)";
        }
    }

    private static void Apply(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "sslmode":
                builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "connect_timeout":
                builder.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                break;
            case "search_path":
                builder.SearchPath = value;
                break;
            default:
                // Any Npgsql keyword, e.g. ?Pooling=false or ?Maximum%20Pool%20Size=20.
                builder[key] = value;
                break;
        }
    }
}
