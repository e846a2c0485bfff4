using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Pool;

namespace Orchestrator.Workers.Instances;

/// <summary>
/// Starts adapters as local processes: <c>setsid prlimit --data=BYTES -- INTERPRETER [flags] adapter.EXT</c>.
/// </summary>
/// <remarks>
/// <para><b>Process group.</b> <c>setsid</c> makes the adapter the leader of a new session and process group, so
/// everything a handler spawns can be killed with one <c>kill(-pgid, SIGKILL)</c>, and a Ctrl+C at the worker's
/// terminal does not reach the adapters (the worker stops them itself). If the worker dies, the adapters read EOF on
/// stdin and exit.</para>
/// <para><b>Memory.</b> <c>prlimit --data</c> (RLIMIT_DATA) caps private writable memory: heap, buffers, thread
/// stacks. It is used rather than <c>--as</c> (RLIMIT_AS) because V8 reserves far more address space than it uses:
/// Node does not even start under <c>--as=512Mi</c>. PHP gets <c>memory_limit</c> at ¾ of the limit and Node a
/// <c>--max-old-space-size</c> and <c>--max-semi-space-size</c> that leave room for its own baseline (see
/// <see cref="StartInfo"/>), so the interpreter fails with its own clear message ("JavaScript heap out of memory",
/// "Allowed memory size exhausted") before the rlimit does. Python raises <c>MemoryError</c>.</para>
/// <para><b>Environment.</b> Clean: PATH, HOME and LANG from the worker, and PYTHONDONTWRITEBYTECODE for Python (a
/// function folder may be read-only). Nothing else is inherited (no NODE_OPTIONS, NODE_EXTRA_CA_CERTS, PYTHONPATH…).
/// The manifest's <c>env</c> and <c>secrets</c> travel in the <c>init</c> message, which the adapter applies before
/// the code loads: so a stem cell started before its function was known gets them exactly like a fresh process.</para>
/// </remarks>
internal sealed class ProcessLauncher(WorkerOptions options) : IInstanceLauncher
{
    private static readonly Lazy<string?> Setsid = new(() => FindOnPath("setsid"));
    private static readonly Lazy<string?> Prlimit = new(() => FindOnPath("prlimit"));

    private readonly Lazy<string?> _adapters = new(() => AdapterLocator.Find(options.AdaptersDirectory));

    public bool SupportsStemCells => true;

    public async Task<AdapterInstance> StartAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var adapters = _adapters.Value
            ?? throw new InstanceStartException(Failed($"cannot find the adapters folder: set {AdapterLocator.EnvironmentVariable} to the repository's adapters/ folder"));
        var script = AdapterLocator.Script(adapters, spec.Runtime);
        if (!File.Exists(script))
        {
            throw new InstanceStartException(Failed($"the {AdapterLocator.Name(spec.Runtime)} adapter is missing: {script} (set {AdapterLocator.EnvironmentVariable})"));
        }

        var command = options.Interpreters.TryGetValue(spec.Runtime, out var configured) ? configured : InterpreterResolver.DefaultCommand(spec.Runtime);
        var interpreter = await InterpreterResolver.ResolveAsync(spec.Runtime, command).ConfigureAwait(false);
        var start = StartInfo(spec, interpreter, script, adapters);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process was started");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new InstanceStartException(Failed($"cannot start {interpreter} for the {AdapterLocator.Name(spec.Runtime)} adapter: {ex.Message}"));
        }

        // After setsid the adapter's pid is its process group's id. (setsid forks only when the caller already leads a
        // group, which a freshly spawned child does not; -w would then keep the group killable through the ready pid.)
        var groupId = process.Id;
        var grouped = Setsid.Value is not null && NativeMethods.Supported;
        var instance = new AdapterInstance(
            process,
            spec,
            $"{AdapterLocator.Name(spec.Runtime)}-{process.Id}",
            spec.FunctionDirectory,
            () => KillTree(process, grouped ? groupId : null),
            options.MaxLogLinesPerInvocation);
        using var timeout = new CancellationTokenSource(options.StartTimeout, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await instance.WaitReadyAsync(linked.Token).ConfigureAwait(false);
            if (instance.AdapterPid is { } pid && pid != process.Id)
            {
                groupId = pid;
            }

            return instance;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw new InstanceStartException(Failed($"the {AdapterLocator.Name(spec.Runtime)} adapter did not say ready within {options.StartTimeout.TotalSeconds:0.#}s"));
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ProcessStartInfo StartInfo(InstanceSpec spec, string interpreter, string script, string adapters)
    {
        var arguments = new List<string>();
        if (Setsid.Value is { } setsid)
        {
            arguments.AddRange([setsid, "-w"]);
        }

        if (Prlimit.Value is { } prlimit)
        {
            arguments.AddRange([prlimit, $"--data={spec.MemoryBytes.ToString(CultureInfo.InvariantCulture)}", "--"]);
        }

        // Node: RLIMIT_DATA counts address space, and Node 20 holds about 48 MiB of it idle and about 80 MiB once
        // libuv's thread pool has started (async fs, crypto, dns). So V8's old space gets ¾ of what is left above
        // 96 MiB (at least 16 MiB), and its young generation 1 MiB semi-spaces per 64 MiB of limit (at most 16): then
        // V8's own limit ("JavaScript heap out of memory") is reached before a native allocation fails on the rlimit
        // (std::bad_alloc, "Committing semi space failed"). ¾ of the whole limit ran into the rlimit at 64Mi–128Mi.
        var megabytes = spec.MemoryBytes / (1024 * 1024);
        var heapMegabytes = Math.Max(16, (megabytes - 96) * 3 / 4);
        var semiSpaceMegabytes = Math.Clamp(megabytes / 64, 1, 16);
        arguments.Add(interpreter);
        arguments.AddRange(spec.Runtime switch
        {
            FunctionRuntime.Python => options.PythonSite ? [script] : ["-S", script],
            FunctionRuntime.Node =>
            [
                $"--max-old-space-size={heapMegabytes.ToString(CultureInfo.InvariantCulture)}",
                $"--max-semi-space-size={semiSpaceMegabytes.ToString(CultureInfo.InvariantCulture)}",
                script,
            ],
            _ => ["-d", $"memory_limit={(spec.MemoryBytes * 3 / 4).ToString(CultureInfo.InvariantCulture)}", script],
        });

        var start = new ProcessStartInfo(arguments[0], arguments.Skip(1))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.FunctionDirectory ?? adapters,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Path.GetTempPath();
        start.Environment["LANG"] = Environment.GetEnvironmentVariable("LANG") is { Length: > 0 } lang ? lang : "C.UTF-8";
        if (spec.Runtime == FunctionRuntime.Python)
        {
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        }

        return start;
    }

    private static void KillTree(Process process, int? groupId)
    {
        if (groupId is { } group && NativeMethods.KillGroup(group))
        {
            return;
        }

        try
        {
            // No process group (no setsid) or it is gone already: fall back to the tree .NET can see.
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException or ObjectDisposedException)
        {
            // Already exited.
        }
    }

    private static ErrorInfo Failed(string message) => new(RuntimeErrorTypes.StartFailed, message, null, Retryable: true);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
