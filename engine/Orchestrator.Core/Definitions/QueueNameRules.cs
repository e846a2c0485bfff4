using System.Text;

namespace Orchestrator.Core.Definitions;

/// <summary>
/// The queue names RabbitMQ accepts from a client that declares them: not empty, not under the reserved prefix
/// <c>amq.</c>, at most 255 bytes of UTF-8. Checked where a name is written (a trigger's <c>queue</c>, <c>orchestrator
/// publish</c>'s queue, <c>serve --prefix</c>), so that a name the broker would refuse is reported there, not as a
/// refused declaration when a process starts.
/// </summary>
public static class QueueNameRules
{
    /// <summary>The longest name RabbitMQ accepts, in bytes of UTF-8.</summary>
    public const int MaxBytes = 255;

    /// <summary>The prefix RabbitMQ reserves for its own queues and exchanges.</summary>
    public const string ReservedPrefix = "amq.";

    /// <summary>
    /// Why RabbitMQ would refuse to declare <paramref name="name"/>, or null when it accepts it.
    /// <paramref name="suffix"/> is appended to the name by the transport too (a trigger's <c>.dead</c> queue): the
    /// longer name must fit as well.
    /// </summary>
    public static string? Problem(string name, string suffix = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(suffix);
        if (string.IsNullOrWhiteSpace(name))
        {
            return "a queue name cannot be blank";
        }

        if (name.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            return $"queue name '{name}' starts with '{ReservedPrefix}', which RabbitMQ reserves for its own queues";
        }

        var bytes = Encoding.UTF8.GetByteCount(name + suffix);
        if (bytes > MaxBytes)
        {
            return suffix.Length == 0
                ? $"queue name is {bytes} bytes long; RabbitMQ accepts at most {MaxBytes}"
                : $"queue name is too long: with its '{suffix}' queue it is {bytes} bytes, and RabbitMQ accepts at most {MaxBytes}";
        }

        return null;
    }
}
