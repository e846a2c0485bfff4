using System.Globalization;

namespace Orchestrator.Transport.RabbitMq.Connections;

/// <summary>
/// One line per event: <c>time event key=value …</c>, with stable event names (<c>worker.redelivered</c>,
/// <c>trigger.dead-lettered</c>…) so that logs can be searched and counted.
/// </summary>
internal sealed class TransportLog(TextWriter? writer, TimeProvider time)
{
    private readonly TextWriter? _writer = writer is null ? null : TextWriter.Synchronized(writer);

    public bool Enabled => _writer is not null;

    public void Write(string eventName, string details)
    {
        _writer?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():HH:mm:ss.fff} {eventName} {details}"));
    }
}
