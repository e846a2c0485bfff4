using Orchestrator.Cli.Commands;

namespace Orchestrator.Integration.Tests.Support;

/// <summary>Runs the CLI in-process, as the launcher would, and captures its output.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit;
        try
        {
            exit = await CommandRouter.RunAsync(args, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), cancellationToken);
        }
        catch (Orchestrator.Cli.UsageException ex)
        {
            stderr.WriteLine(ex.Message);
            exit = 2;
        }

        return (exit, stdout.ToString(), stderr.ToString());
    }
}
