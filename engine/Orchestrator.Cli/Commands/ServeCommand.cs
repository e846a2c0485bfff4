using System.Runtime.InteropServices;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Engine.Loading;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Workers.Manifests;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator serve</c>: a long-running engine, worker, or both, talking through RabbitMQ. An engine resumes runs
/// whose lease expired when it starts and on every lease beat. Stops cleanly on SIGTERM or Ctrl+C: waiting runs are
/// suspended (they stay resumable), triggers and listen channels stop taking messages, work in flight finishes up to
/// the drain timeout (then its runs are suspended too and its invocations go back to their queue), then it exits 0.
/// </summary>
internal static class ServeCommand
{
    private const int MaxPrefixBytes = 200;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var arguments = new Arguments(args, ["role", "workflows", "functions", "rabbitmq", "store", "prefix", "drain"], ["quiet"]);
        var role = arguments.Option("role") switch
        {
            null or "all" => RabbitMqRole.All,
            "engine" => RabbitMqRole.Engine,
            "worker" => RabbitMqRole.Worker,
            var other => throw new UsageException($"--role must be engine, worker or all, not '{other}'"),
        };
        var address = ResolveAddress(arguments.Option("rabbitmq"), "serve");
        var workflowPaths = arguments.Positionals.Concat(arguments.Options("workflows")).ToList();
        foreach (var path in workflowPaths.Where(p => !File.Exists(p) && !Directory.Exists(p)))
        {
            throw new UsageException($"no such file or folder: {path}");
        }

        if (role != RabbitMqRole.Worker && workflowPaths.Count == 0)
        {
            throw new UsageException("an engine needs workflows: orchestrator serve DIR (or --workflows DIR)");
        }

        var prefix = arguments.Option("prefix") ?? "orchestrator";
        if (System.Text.Encoding.UTF8.GetByteCount(prefix) > MaxPrefixBytes)
        {
            // Room is left for what follows it: .fn.FUNCTION.error, .control.
            throw new UsageException($"--prefix is too long: at most {MaxPrefixBytes} bytes, since queue names are PREFIX.fn.FUNCTION(.error) and RabbitMQ takes at most 255");
        }

        if (prefix.Length == 0 || QueueNameRules.Problem(prefix, ".fn.") is not null)
        {
            // It starts every queue and exchange the transport names (PREFIX.fn.FUNCTION, PREFIX.control).
            throw new UsageException(prefix.Length == 0
                ? "--prefix cannot be empty: it starts the name of every queue the transport declares (PREFIX.fn.FUNCTION)"
                : $"--prefix cannot start queue names (PREFIX.fn.FUNCTION): {QueueNameRules.Problem(prefix, ".fn.")}");
        }

        // Functions: the built-in C# ones, and the manifests of --functions folders and of every functions/ folder
        // beside the workflows (so `serve --workflows workflows` finds workflows/signup/functions/*). A --functions
        // folder is the functions/ folder itself (DIR/NAME/function.yaml) or any folder above one (DIR/…/functions/NAME).
        var functionPaths = FunctionCatalog.Checked([.. arguments.Options("functions")]);

        var functionFolders = FunctionCatalog.FoldersUnder(workflowPaths.Concat(functionPaths), functionPaths).ToList();
        var scan = FunctionDirectoryScanner.Scan(functionFolders);
        foreach (var path in functionPaths.Where(p => !scan.Manifests.Any(m => IsUnder(m.Location.File, p))))
        {
            await stderr.WriteLineAsync($"orchestrator: warning: --functions {path} holds no function.yaml (looked for {Path.Combine(path, "NAME", "function.yaml")} and functions/NAME/function.yaml below it)").ConfigureAwait(false);
        }

        var functions = FunctionCatalog.Create();
        await using var pools = role == RabbitMqRole.Engine ? null : functions.AddManifests(scan.Manifests, FunctionCatalog.WorkerOptions());
        var problems = scan.Diagnostics.Concat(pools?.Diagnostics ?? []).Distinct().ToList();

        // An engine validates calls against every function some worker may host: C# ones and declared manifests.
        var known = functions.Names.Concat(scan.Manifests.Select(m => m.Name)).ToHashSet(StringComparer.Ordinal);
        var loaded = WorkflowLoader.Load(workflowPaths, known);
        problems.AddRange(loaded.Diagnostics);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await stderr.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        var scale = scan.Manifests.ToDictionary(m => m.Name, m => m.Scale.Max, StringComparer.Ordinal);
        var options = new RabbitMqOptions
        {
            Address = address,
            Prefix = prefix,
            FunctionConcurrency = name => scale.TryGetValue(name, out var max) ? max : null,
            DrainTimeout = arguments.Option("drain") is { } drain ? TimeSpan.FromSeconds(Seconds(drain)) : TimeSpan.FromSeconds(30),
            Log = arguments.Flag("quiet") ? null : stderr,
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            // Stop as Ctrl+C does, instead of the runtime's immediate exit.
            context.Cancel = true;
            stop.Cancel();
        });

        IRunStore? store = role == RabbitMqRole.Worker ? null : await StorePath.OpenAsync(arguments.Option("store"), stop.Token).ConfigureAwait(false);
        RabbitMqRuntime runtime;
        try
        {
            if (pools is not null)
            {
                await pools.WarmUpAsync(stop.Token).ConfigureAwait(false);
            }

            runtime = await RabbitMqRuntime.StartAsync(role, options, loaded.Catalog, functions, store, ownsStore: true, cancellationToken: stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever stopped the start, the store is closed (its queued commits flushed) before the command ends.
            await StorePath.CloseAsync(store).ConfigureAwait(false);
            if (ex is OperationCanceledException)
            {
                return ExitCodes.Ok;
            }

            // Nobody answers, the broker refused the login, the virtual host or a declaration, or the workflows'
            // triggers and listen channels do not fit together (ArgumentException): one line, not a stack trace.
            var failure = RabbitMqFailure.Describe(ex, address) ?? (ex is ArgumentException ? ex.Message : null);
            if (failure is null)
            {
                throw;
            }

            await stderr.WriteLineAsync($"orchestrator: cannot serve: {failure}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await using (runtime.ConfigureAwait(false))
        {
            await stdout.WriteLineAsync($"serving ({role.ToString().ToLowerInvariant()}) on {RabbitMqAddress.Redact(address)}: {loaded.Workflows.Count} workflow(s), {runtime.Triggers.Count} queue trigger(s), {(role == RabbitMqRole.Engine ? 0 : functions.Names.Count)} function(s); Ctrl+C or SIGTERM stops").ConfigureAwait(false);
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The way out: stop below.
            }

            // Disposing the runtime stops it; it logs runtime.stopping (unless --quiet) and drains.
        }

        foreach (var (queue, statistics) in runtime.Triggers)
        {
            await stdout.WriteLineAsync($"trigger {queue}: {statistics}").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync("stopped").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>The broker from the option or the environment; a command that needs one and has none is bad usage.</summary>
    internal static Uri ResolveAddress(string? option, string command)
    {
        try
        {
            return RabbitMqAddress.Resolve(option)
                ?? throw new UsageException($"{command} needs a RabbitMQ broker: --rabbitmq amqp://user:pass@host:5672/vhost or ${RabbitMqAddress.EnvironmentVariable}");
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static bool IsUnder(string file, string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(file).StartsWith(root, StringComparison.Ordinal);
    }

    private static double Seconds(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? seconds
            : throw new UsageException($"--drain must be a number of seconds, not '{text}'");
}
