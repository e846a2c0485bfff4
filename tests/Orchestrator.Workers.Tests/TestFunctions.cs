using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Workers.Tests;

/// <summary>The functions under tests/Orchestrator.Workers.Tests/functions, and helpers to run them for real.</summary>
internal static class TestFunctions
{
    private static int _invocations;

    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "functions");

    public static FunctionManifest Manifest(string name)
    {
        var result = ManifestParser.Load(Path.Combine(Folder, name, ManifestParser.FileName));
        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        return result.Manifest!;
    }

    /// <summary>Registers manifests on a fresh registry; the caller disposes the pools.</summary>
    public static (FunctionRegistry Registry, AdapterPools Pools) Host(TimeProvider? time, params FunctionManifest[] manifests)
    {
        var registry = new FunctionRegistry();
        var pools = registry.AddManifests(manifests, new WorkerOptions { Time = time ?? TimeProvider.System, SecretSource = name => name == "TEST_SECRET" ? "s3cret" : null });
        Assert.Empty(pools.Diagnostics);
        return (registry, pools);
    }

    public static IFunctionExecutor Executor(FunctionRegistry registry, string name)
    {
        Assert.True(registry.TryGet(name, out var executor));
        return executor;
    }

    public static InvokeFunction Command(string function, JsonNode? payload, DateTimeOffset? deadline = null)
    {
        var n = Interlocked.Increment(ref _invocations);
        return new InvokeFunction($"inv-{n}", "run-1", "step", 1, function, payload, deadline);
    }

    public static Task<InvocationOutcome> RunAsync(FunctionRegistry registry, string function, JsonNode? payload) =>
        Executor(registry, function).ExecuteAsync(Command(function, payload), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>The pid in an instance id such as <c>python-4242</c>.</summary>
    public static int Pid(string instanceId) => int.Parse(instanceId[(instanceId.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>True while the process exists and is not a zombie (a reparented one may wait for its reaper).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits for a real process to end; bounded, since a process that survives is the failure.</summary>
    public static async Task<bool> GoneAsync(int pid)
    {
        for (var i = 0; i < 200 && IsAlive(pid); i++)
        {
            await Task.Delay(25);
        }

        return !IsAlive(pid);
    }
}
