namespace Orchestrator.Transport.RabbitMq.Lifetime;

/// <summary>Stopping in stages that share one drain timeout.</summary>
internal static class Deadlines
{
    /// <summary>What is left until <paramref name="deadline"/>; zero once it passed.</summary>
    public static TimeSpan Remaining(this TimeProvider time, DateTimeOffset deadline)
    {
        var left = deadline - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
