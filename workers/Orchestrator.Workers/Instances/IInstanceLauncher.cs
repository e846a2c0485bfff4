namespace Orchestrator.Workers.Instances;

/// <summary>Starts adapter processes: local processes, or containers.</summary>
internal interface IInstanceLauncher
{
    /// <summary>Whether generic instances (no function folder) can be started, i.e. whether stem cells make sense.</summary>
    bool SupportsStemCells { get; }

    /// <summary>Starts an adapter and waits for its <c>ready</c> line.</summary>
    /// <exception cref="InstanceStartException">The adapter did not start or did not say ready in time.</exception>
    Task<AdapterInstance> StartAsync(InstanceSpec spec, CancellationToken cancellationToken);
}
