using System.Diagnostics;
using System.Globalization;
using Orchestrator.Core.History;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Engine.Tests.Cli;

/// <summary><c>orchestrator resume</c>: a run whose engine process was killed is finished by the next one.</summary>
public sealed class ResumeCommandTests
{
    private const string Workflow = """
        document: { name: napper, version: 1.0.0 }
        do:
          - hello:
              call: greet
              with: { name: before }
          - nap:
              wait: 2s
          - bye:
              call: greet
              with: { name: "{{ hello.message }}" }
        """;

    [Fact]
    public async Task Resume_FinishesARunWhoseEngineWasKilled_WithoutRepeatingItsFirstCall()
    {
        using var cli = new CliRunner();
        var folder = Directory.CreateTempSubdirectory("orchestrator-resume-").FullName;
        try
        {
            var file = Path.Combine(folder, "napper.yaml");
            await File.WriteAllTextAsync(file, Workflow);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "orchestrator.dll"), "run", file, "--store", cli.Store, "--quiet" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["ORCHESTRATOR_LEASE_SECONDS"] = "1";
            start.Environment.Remove("ORCHESTRATOR_RABBITMQ");
            string runId;
            using (var engine = Process.Start(start)!)
            {
                runId = await WaitForStepAsync(cli.Store, "nap");
                engine.Kill(entireProcessTree: true);
                await engine.WaitForExitAsync();
            }

            await using (var store = new SqliteRunStore(cli.Store))
            {
                Assert.Equal(RunStatus.Running, (await store.GetRunAsync(runId, CancellationToken.None))!.Status);
            }

            await Task.Delay(1_500);
            var (exit, stdout, stderr) = await cli.RunAsync("resume", folder, "--store", cli.Store, "--quiet");

            Assert.True(exit == 0, stderr);
            Assert.Equal($"{runId} completed", stdout.Trim());
            await using var after = new SqliteRunStore(cli.Store);
            var run = (await after.GetRunAsync(runId, CancellationToken.None))!;
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal("Hello, Hello, before!!", run.Output!["message"]!.GetValue<string>());
            var history = await after.GetHistoryAsync(runId, CancellationToken.None);
            Assert.Equal(1, history.Count(e => e.Kind == HistoryEventKind.FunctionInvoked && e.StepPath == "hello"));
            Assert.Contains(history, e => e.Kind == HistoryEventKind.RunResumed);

            var (again, nothing, _) = await cli.RunAsync("resume", folder, "--store", cli.Store, "--quiet");
            Assert.Equal(0, again);
            Assert.StartsWith("no runs to resume", nothing, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> WaitForStepAsync(string storePath, string step)
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(storePath))
            {
                await using var store = new SqliteRunStore(storePath);
                foreach (var run in await store.ListRunsAsync(10, CancellationToken.None))
                {
                    var history = await store.GetHistoryAsync(run.Id, CancellationToken.None);
                    if (history.Any(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == step))
                    {
                        return run.Id;
                    }
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"no run reached step '{step}'"));
    }
}
