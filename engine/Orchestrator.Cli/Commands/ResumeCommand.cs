using Orchestrator.Cli.Progress;
using Orchestrator.Core.History;
using Orchestrator.Engine.Embedded;
using Orchestrator.Engine.Loading;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator resume DIR...</c>: takes up, in the embedded engine, the runs of a store whose engine stopped or died
/// (their lease expired), replays each from its history and drives it on to its end.
/// </summary>
internal static class ResumeCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var arguments = new Arguments(args, ["store", "functions"], ["quiet"]);
        if (arguments.Positionals.Count == 0)
        {
            throw new UsageException("resume needs the workflows its runs belong to: orchestrator resume DIR... [--store PATH]");
        }

        foreach (var path in arguments.Positionals.Where(p => !File.Exists(p) && !Directory.Exists(p)))
        {
            throw new UsageException($"no such file or folder: {path}");
        }

        var functionFolders = FunctionCatalog.Checked(arguments.Options("functions"));
        var workerOptions = FunctionCatalog.WorkerOptions();
        var functions = FunctionCatalog.Create();
        await using var pools = functions.AddFunctionFolders(FunctionCatalog.FoldersUnder(arguments.Positionals, functionFolders), workerOptions);
        var loaded = WorkflowLoader.Load(arguments.Positionals, functions.Names);
        var problems = pools.Diagnostics.Concat(loaded.Diagnostics).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await stderr.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        var store = await StorePath.OpenAsync(arguments.Option("store"), cancellationToken).ConfigureAwait(false);
        var progress = arguments.Flag("quiet") ? null : new ConsoleProgress(stderr);
        await using var runtime = new EmbeddedRuntime(loaded.Catalog, functions, store, ownsStore: true, observer: progress);

        // Ctrl+C suspends the resumed runs again (they stay resumable) instead of cancelling them.
        using var suspend = cancellationToken.Register(runtime.Engine.SuspendAllRuns);
        var resumed = await runtime.Engine.ResumeExpiredRunsAsync(CancellationToken.None).ConfigureAwait(false);
        if (resumed.Count == 0)
        {
            await stdout.WriteLineAsync("no runs to resume (every unfinished run has a live engine, or none is unfinished)").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var failed = 0;
        foreach (var run in resumed)
        {
            var result = await run.Completion.ConfigureAwait(false);
            failed += result.Status == RunStatus.Completed ? 0 : 1;
            var detail = result.Error is { } error ? $" ({error.Type}: {error.Message})" : "";
            await stdout.WriteLineAsync($"{result.RunId} {result.Status.ToString().ToLowerInvariant()}{detail}").ConfigureAwait(false);
        }

        await runtime.Engine.ReleaseLeasesAsync(CancellationToken.None).ConfigureAwait(false);
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
