using Orchestrator.Workers.Instances;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;

namespace Orchestrator.Workers.Tests.Instances;

/// <summary>
/// No Docker engine runs on these machines, so the container launcher is checked against a stand-in <c>docker</c>
/// that records the command line it was given and exits, as a missing image would.
/// </summary>
public sealed class ContainerLauncherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orchestrator-docker-").FullName;

    [Theory]
    [InlineData(FunctionRuntime.Python, "orchestrator/adapter-python")]
    [InlineData(FunctionRuntime.Node, "orchestrator/adapter-node")]
    [InlineData(FunctionRuntime.Php, "orchestrator/adapter-php")]
    public async Task Start_RunsTheAdapterImageWithTheFunctionMountedReadOnlyAndItsMemoryLimit(FunctionRuntime runtime, string image)
    {
        var recorded = Path.Combine(_folder, "args");
        var docker = Path.Combine(_folder, "docker");
        await File.WriteAllTextAsync(docker, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{recorded}'\necho 'Unable to find image' >&2\nexit 125\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var launcher = new ContainerLauncher(new WorkerOptions { DockerCommand = docker, StartTimeout = TimeSpan.FromSeconds(5) });
        var function = Path.Combine(_folder, "fn");

        await Assert.ThrowsAnyAsync<Exception>(() => launcher.StartAsync(new InstanceSpec(runtime, 64 * 1024 * 1024, function), CancellationToken.None));

        var args = await File.ReadAllLinesAsync(recorded);
        Assert.Equal(["run", "-i", "--rm", "--name"], args[..4]);
        Assert.Contains("--memory=67108864", args);
        Assert.Contains($"{function}:/fn:ro", args);
        Assert.Contains(image, args);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
