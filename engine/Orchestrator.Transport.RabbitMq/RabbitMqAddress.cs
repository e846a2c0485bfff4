namespace Orchestrator.Transport.RabbitMq;

/// <summary>Where the broker is: a <c>--rabbitmq</c> option, else <c>$ORCHESTRATOR_RABBITMQ</c>.</summary>
public static class RabbitMqAddress
{
    /// <summary>The environment variable that names the broker.</summary>
    public const string EnvironmentVariable = "ORCHESTRATOR_RABBITMQ";

    /// <summary>The broker from <paramref name="option"/>, else the environment; null when neither names one (embedded mode).</summary>
    /// <exception cref="FormatException">The address is not an <c>amqp://</c> or <c>amqps://</c> URL.</exception>
    public static Uri? Resolve(string? option)
    {
        var text = option ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(text) ? null : Parse(text);
    }

    /// <summary>Parses <c>amqp://user:pass@host:port/vhost</c>.</summary>
    /// <exception cref="FormatException">It is not an <c>amqp://</c> or <c>amqps://</c> URL.</exception>
    public static Uri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
        {
            throw new FormatException($"'{Redact(text)}' is not a RabbitMQ address; expected amqp://user:pass@host:5672/vhost");
        }

        return uri;
    }

    /// <summary>The address without its password, for logs and messages.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
        {
            return text;
        }

        var user = uri.UserInfo.Split(':')[0];
        return new UriBuilder(uri) { UserName = user, Password = "***" }.Uri.ToString();
    }

    /// <inheritdoc cref="Redact(string)"/>
    public static string Redact(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Redact(address.OriginalString);
    }
}
