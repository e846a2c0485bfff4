using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Transport.RabbitMq;

/// <summary>
/// Tells what went wrong talking to the broker, in one line for a person: nobody answers at the address, the broker
/// refused the login, the virtual host does not exist, or the broker refused an operation (a reserved queue name, a
/// missing permission). Commands print it instead of a stack trace; the mistake is the user's, not a bug.
/// </summary>
public static class RabbitMqFailure
{
    /// <summary>
    /// One line saying why the broker at <paramref name="address"/> could not be used, or null when
    /// <paramref name="exception"/> is not a failure of the broker or of the connection to it (a bug: let it crash).
    /// </summary>
    public static string? Describe(Exception exception, Uri address)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(address);
        var where = RabbitMqAddress.Redact(address);
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case AuthenticationFailureException or PossibleAuthenticationFailureException:
                    return $"RabbitMQ at {where} refused the login of user '{User(address)}' (ACCESS_REFUSED): check the user and password in the address";
                case OperationInterruptedException { ShutdownReason: { Initiator: ShutdownInitiator.Peer } reason }:
                    return Refused(reason.ReplyCode, reason.ReplyText, address, where);
            }
        }

        return exception is BrokerUnreachableException unreachable
            ? $"no RabbitMQ answers at {where}{(Innermost(unreachable) is { } cause ? $" ({cause})" : "")}"
            : null;
    }

    private static string Refused(ushort code, string text, Uri address, string where)
    {
        if (code == Constants.AccessRefused && text.Contains("login", StringComparison.OrdinalIgnoreCase))
        {
            return $"RabbitMQ at {where} refused the login of user '{User(address)}' ({text}): check the user and password in the address";
        }

        if (code == Constants.NotAllowed && text.Contains("vhost", StringComparison.OrdinalIgnoreCase))
        {
            return $"RabbitMQ at {where} refused the virtual host '{VirtualHost(address)}' ({text}): name one that exists and that the user may use, amqp://user:pass@host:5672/VHOST";
        }

        return $"RabbitMQ at {where} refused: {text}";
    }

    private static string? Innermost(Exception exception)
    {
        var inner = exception.InnerException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner?.Message;
    }

    private static string User(Uri address) =>
        address.UserInfo.Length == 0 ? "guest" : Uri.UnescapeDataString(address.UserInfo.Split(':')[0]);

    private static string VirtualHost(Uri address) =>
        address.AbsolutePath.Length <= 1 ? "/" : Uri.UnescapeDataString(address.AbsolutePath[1..]);
}
