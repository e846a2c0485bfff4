namespace Orchestrator.Workers.Pool;

/// <summary>What an invocation was doing while it got its instance, for the message when its deadline passes then.</summary>
internal enum AcquireStage
{
    /// <summary>Not started yet, or an idle instance was taken at once.</summary>
    None,

    /// <summary>In line: <c>scale.max</c> instances were busy.</summary>
    Queued,

    /// <summary>Waiting for an instance a prewarm hint was starting.</summary>
    WaitingForPrewarm,

    /// <summary>Starting (spawn and init) an instance of its own: a cold start.</summary>
    Starting,
}

/// <summary>Where <see cref="InstancePool.AcquireAsync"/> records its current <see cref="AcquireStage"/>.</summary>
internal sealed class AcquireProgress
{
    private int _stage;

    public AcquireStage Stage
    {
        get => (AcquireStage)Volatile.Read(ref _stage);
        set => Volatile.Write(ref _stage, (int)value);
    }
}
