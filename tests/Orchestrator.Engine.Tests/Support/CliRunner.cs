using Orchestrator.Cli.Commands;

namespace Orchestrator.Engine.Tests.Support;

/// <summary>Runs the CLI in-process, as the launcher would, with a throwaway store; captures its output.</summary>
internal sealed class CliRunner : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orchestrator-cli-").FullName;

    // These tests are about the embedded deployment: a broker named in the environment (tests/run-all.sh starts
    // one for the integration tests) must not move their runs onto RabbitMQ.
    static CliRunner() => Environment.SetEnvironmentVariable("ORCHESTRATOR_RABBITMQ", null);

    public string Store => Path.Combine(_folder, "runs.db");

    public async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit;
        try
        {
            exit = await CommandRouter.RunAsync(args, stdout, stderr, CancellationToken.None);
        }
        catch (Orchestrator.Cli.UsageException ex)
        {
            stderr.WriteLine(ex.Message);
            exit = 2;
        }

        return (exit, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
