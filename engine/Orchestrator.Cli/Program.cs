using Orchestrator.Cli.Commands;

namespace Orchestrator.Cli;

/// <summary>Entry point: <c>orchestrator COMMAND …</c>. Exit codes: 0 success, 1 failure, 2 bad usage or invalid workflow.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await CommandRouter.RunAsync(args, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"orchestrator: {ex.Message}\nRun 'orchestrator help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
    }
}
