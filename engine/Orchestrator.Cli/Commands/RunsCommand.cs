using System.Globalization;
using Orchestrator.Core.History;
using Orchestrator.Engine.Reporting;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator runs</c> and <c>orchestrator runs show ID</c>.</summary>
internal static class RunsCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var arguments = new Arguments(args, ["store", "limit"], []);
        return await StorePath.ReadAsync(arguments.Option("store"), store => ShowAsync(store, arguments, stdout, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ShowAsync(IRunStore store, Arguments arguments, TextWriter stdout, CancellationToken cancellationToken)
    {
        switch (arguments.Positionals)
        {
            case []:
                var limit = arguments.Option("limit") is { } text
                    ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new UsageException("--limit must be a positive integer")
                    : 20;
                RunReportWriter.WriteRunList(stdout, await store.ListRunsAsync(limit, cancellationToken).ConfigureAwait(false));
                return ExitCodes.Ok;
            case ["show", var id] when string.IsNullOrWhiteSpace(id):
                throw new UsageException("runs show needs a run id (or a unique prefix of one): see orchestrator runs");
            case ["show", var id]:
                RunRecord? run;
                try
                {
                    run = await store.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    // An ambiguous id prefix.
                    throw new UsageException(ex.Message);
                }

                if (run is null)
                {
                    throw new UsageException($"no run with id '{id}'");
                }

                var history = await store.GetHistoryAsync(run.Id, cancellationToken).ConfigureAwait(false);
                RunReportWriter.WriteRunDetails(stdout, run, history);
                return ExitCodes.Ok;
            default:
                throw new UsageException("usage: orchestrator runs [--limit N] | orchestrator runs show ID");
        }
    }
}
