namespace Orchestrator.Integration.Tests.Support;

/// <summary>
/// Waits for something the broker makes happen on its own schedule (a delivery, a redelivery), by polling a
/// condition: no fixed sleeps, and a generous limit that only a real failure reaches.
/// </summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }
}
