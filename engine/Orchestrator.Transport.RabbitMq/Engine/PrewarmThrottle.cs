using System.Collections.Concurrent;

namespace Orchestrator.Transport.RabbitMq.Engine;

/// <summary>
/// At most one prewarm per function per <paramref name="interval"/>: a burst of trigger messages for one workflow
/// sends one <c>PrewarmFunction</c>, not one per message. Lock-free; safe from many trigger deliveries at once.
/// </summary>
internal sealed class PrewarmThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, long> _lastSent = new(StringComparer.Ordinal);
    private readonly long _gap = (long)(interval.TotalSeconds * time.TimestampFrequency);

    /// <summary>True when a prewarm for <paramref name="function"/> may go now (and counts it as sent).</summary>
    public bool TryTake(string function)
    {
        var now = time.GetTimestamp();
        while (true)
        {
            if (!_lastSent.TryGetValue(function, out var last))
            {
                if (_lastSent.TryAdd(function, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < _gap)
            {
                return false;
            }

            // Of two deliveries that both found the interval over, only the one that moves the mark sends.
            if (_lastSent.TryUpdate(function, now, last))
            {
                return true;
            }
        }
    }
}
