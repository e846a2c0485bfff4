using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;

namespace Orchestrator.Workers.Instances;

/// <summary>
/// Starts each instance as <c>docker run -i --rm --name N --memory BYTES -v FOLDER:/fn:ro IMAGE</c> from the adapter
/// images (adapters/*/Dockerfile); the function's code is the read-only mount, so init's root is <c>/fn</c>.
/// Killing an instance is <c>docker kill N</c>: killing the docker client alone would leave the container running.
/// Stem cells are not offered: the function's folder must be known when the container starts.
/// </summary>
internal sealed class ContainerLauncher(WorkerOptions options) : IInstanceLauncher
{
    private const string Mount = "/fn";

    public bool SupportsStemCells => false;

    public async Task<AdapterInstance> StartAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var directory = spec.FunctionDirectory ?? throw new ArgumentException("containers need the function's folder", nameof(spec));
        var runtime = AdapterLocator.Name(spec.Runtime);
        var name = $"orchestrator-{runtime}-{Guid.NewGuid():N}"[..40];
        var bytes = spec.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        var heap = (spec.MemoryBytes * 3 / 4).ToString(CultureInfo.InvariantCulture);
        List<string> arguments = ["run", "-i", "--rm", "--name", name, $"--memory={bytes}", $"--memory-swap={bytes}", "-v", $"{directory}:{Mount}:ro"];
        string[] command = [];
        switch (spec.Runtime)
        {
            case FunctionRuntime.Node:
                arguments.AddRange(["-e", $"NODE_OPTIONS=--max-old-space-size={Math.Max(16, spec.MemoryBytes * 3 / 4 / (1024 * 1024))}"]);
                break;
            case FunctionRuntime.Php:
                // The image's entrypoint takes no PHP flags; replace it to set memory_limit (see its Dockerfile).
                arguments.AddRange(["--entrypoint", "php"]);
                command = ["-d", $"memory_limit={heap}", "/opt/orchestrator/adapter.php"];
                break;
        }

        arguments.Add(options.ContainerImagePrefix + runtime);
        arguments.AddRange(command);
        var start = new ProcessStartInfo(options.DockerCommand, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process was started");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new InstanceStartException(new ErrorInfo(RuntimeErrorTypes.StartFailed, $"cannot run {options.DockerCommand}: {ex.Message}", null));
        }

        var instance = new AdapterInstance(process, spec, $"{runtime}-{name[^12..]}", Mount, () => Kill(process, name), options.MaxLogLinesPerInvocation);
        // An image pull can take far longer than a process start; that is the deployment's business, not a timeout.
        using var timeout = new CancellationTokenSource(options.StartTimeout * 6, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await instance.WaitReadyAsync(linked.Token).ConfigureAwait(false);
            return instance;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw new InstanceStartException(new ErrorInfo(RuntimeErrorTypes.StartFailed, $"the {runtime} container did not say ready within {(options.StartTimeout * 6).TotalSeconds:0}s", null));
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Kill(Process client, string name)
    {
        try
        {
            if (!client.HasExited)
            {
                // Fire and forget: `docker kill` of a container that is already gone just fails.
                using var kill = Process.Start(new ProcessStartInfo(options.DockerCommand, ["kill", name])
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                client.Kill();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // The client or the CLI is gone already.
        }
    }
}
