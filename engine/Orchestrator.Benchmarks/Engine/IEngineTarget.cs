namespace Orchestrator.Benchmarks.Engine;

/// <summary>
/// One engine set up to run the benchmark workflow (three steps, each passing its result to the next).
/// A fresh instance is made for each phase, so a phase never pays for what an earlier one left behind.
/// </summary>
internal interface IEngineTarget : IAsyncDisposable
{
    /// <summary>Starts run number <paramref name="index"/>; the task completes when the run has completed.</summary>
    /// <remarks>Everything up to the engine's first wait happens before this returns, as a caller would see it.</remarks>
    Task RunAsync(int index);

    /// <summary>Checks one run end to end (the last step's result is right); throws if not.</summary>
    Task VerifyAsync();

    /// <summary>Step bodies run so far, when the engine's steps can count themselves; else null.</summary>
    /// <remarks>Lets a burst that hit the time limit still report the steps it got through.</remarks>
    long? StepsExecuted { get; }
}

/// <summary>A named way to make <see cref="IEngineTarget"/>s.</summary>
/// <param name="Label">Shown in the table.</param>
/// <param name="Description">How the engine is set up, shown above the table.</param>
/// <param name="Create">Makes a fresh, started instance.</param>
internal sealed record EngineSpec(string Label, string Description, Func<Task<IEngineTarget>> Create);
