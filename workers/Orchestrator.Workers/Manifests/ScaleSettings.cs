namespace Orchestrator.Workers.Manifests;

/// <summary>How many instances of a function may run, from the manifest's <c>scale</c>.</summary>
/// <param name="Min">Instances kept running even when idle. Default 0: scale to zero.</param>
/// <param name="Max">Instances at once; further invocations queue in arrival order. Default 4.</param>
/// <param name="Idle">How long an idle instance above <paramref name="Min"/> lives. Default 60s.</param>
/// <param name="Prewarm">Generic started-but-uninitialised adapter processes ("stem cells") kept for this
/// function's runtime and memory limit, so a cold start pays only the function's init. Default 0.</param>
public sealed record ScaleSettings(int Min, int Max, TimeSpan Idle, int Prewarm)
{
    /// <summary>min 0, max 4, idle 60s, prewarm 0.</summary>
    public static ScaleSettings Default { get; } = new(0, 4, TimeSpan.FromSeconds(60), 0);
}
