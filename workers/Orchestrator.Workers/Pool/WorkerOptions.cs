using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Pool;

/// <summary>How a worker runs functions declared by manifests (python, node, php).</summary>
public sealed class WorkerOptions
{
    /// <summary>The clock for deadlines, idle keep-alive and grace periods. Default: the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The <c>adapters/</c> folder. Default: <c>$ORCHESTRATOR_ADAPTERS</c>, else <c>adapters/</c> next to the
    /// first <c>Orchestrator.sln</c> above the application, else <c>adapters/</c> in the application's folder.</summary>
    public string? AdaptersDirectory { get; init; }

    /// <summary>Local processes or containers. Default: <c>$ORCHESTRATOR_ISOLATION</c> (<c>process</c> or
    /// <c>container</c>), else processes.</summary>
    public InstanceIsolation Isolation { get; init; } = IsolationFromEnvironment();

    /// <summary>Interpreter commands by runtime. Defaults: <c>python3</c>, <c>node</c>, <c>php</c> from PATH. Each is
    /// resolved once to its real executable, so a pyenv/asdf shim costs nothing per start.</summary>
    public IReadOnlyDictionary<FunctionRuntime, string> Interpreters { get; init; } = new Dictionary<FunctionRuntime, string>();

    /// <summary>Whether Python loads <c>site</c> (site-packages on the path). Default false: Python starts with
    /// <c>-S</c>, about 20 ms faster; functions then vendor their dependencies into their own folder.</summary>
    public bool PythonSite { get; init; }

    /// <summary>How long an adapter may take from spawn to its <c>ready</c> line. Default 10s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping instance (idle, one-shot) may take to exit before it is killed. Default 2s.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Log lines kept per invocation; the rest are counted, not kept. Default 1000.</summary>
    public int MaxLogLinesPerInvocation { get; init; } = 1000;

    /// <summary>Image name prefix for <see cref="InstanceIsolation.Container"/>: the runtime's name is appended.
    /// Default <c>orchestrator/adapter-</c> (so <c>orchestrator/adapter-python</c>).</summary>
    public string ContainerImagePrefix { get; init; } = Environment.GetEnvironmentVariable("ORCHESTRATOR_IMAGE_PREFIX") is { Length: > 0 } prefix ? prefix : "orchestrator/adapter-";

    /// <summary>The Docker CLI for <see cref="InstanceIsolation.Container"/>. Default <c>docker</c>.</summary>
    public string DockerCommand { get; init; } = "docker";

    /// <summary>Where manifest <c>secrets</c> are read at init. Default: the worker's environment variables.</summary>
    public Func<string, string?> SecretSource { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The environment's choice of isolation; an unknown value is an error rather than a silent default.</summary>
    /// <exception cref="InvalidOperationException"><c>$ORCHESTRATOR_ISOLATION</c> is neither process nor container.</exception>
    public static InstanceIsolation IsolationFromEnvironment() => Environment.GetEnvironmentVariable("ORCHESTRATOR_ISOLATION") switch
    {
        null or "" or "process" => InstanceIsolation.Process,
        "container" => InstanceIsolation.Container,
        var other => throw new InvalidOperationException($"ORCHESTRATOR_ISOLATION must be process or container, not '{other}'"),
    };
}
