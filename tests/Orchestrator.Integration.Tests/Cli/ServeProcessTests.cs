using System.Diagnostics;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Integration.Tests.Cli;

/// <summary><c>orchestrator serve</c> as a process of its own, stopped the way a container runtime stops it: SIGTERM.</summary>
[Collection(BrokerTests.Name)]
public sealed class ServeProcessTests(BrokerFixture broker)
{
    [Fact]
    public async Task Serve_SigtermDuringAnInvocation_FinishesTheRunThenExits0()
    {
        await using var scope = new BrokerScope(broker);
        var queue = scope.Queue("naps");
        scope.Functions([.. Orchestrator.Cli.FunctionCatalog.Create().Names]);
        var folder = Directory.CreateTempSubdirectory("orchestrator-serve-process-");
        Process? process = null;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "nap.yaml"), $$$"""
                document: { name: nap, version: 1.0.0 }
                on:
                  - queue: {{{queue}}}
                do:
                  - nap: { call: sleep, with: { ms: 1500, label: "{{ input.label }}" } }
                """);
            var store = Path.Combine(folder.FullName, "runs.db");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = folder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "orchestrator.dll"), "serve", folder.FullName, "--rabbitmq", scope.Address.ToString(), "--prefix", scope.Prefix, "--store", store })
            {
                start.ArgumentList.Add(argument);
            }

            process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var (published, _, publishErrors) = await CliRunner.RunAsync(CancellationToken.None, "publish", queue, """{"label":"sigterm"}""", "--rabbitmq", scope.Address.ToString());
            Assert.True(published == 0, publishErrors);

            // Wait until the invocation is out: the run has committed its dispatch, and the function sleeps.
            await using (var reader = new SqliteRunStore(store))
            {
                await Eventually.TrueAsync(
                    () =>
                    {
                        Assert.False(process.HasExited, "serve exited early: " + (process.HasExited ? stderr.Result : ""));
                        var runs = reader.ListRunsAsync(1, CancellationToken.None).Result;
                        return runs.Count == 1 && reader.GetHistoryAsync(runs[0].Id, CancellationToken.None).Result.Any(e => e.Kind == HistoryEventKind.FunctionInvoked);
                    },
                    "the run to dispatch its invocation");
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Contains("stopped", await stdout, StringComparison.Ordinal);
            Assert.Contains("trigger.consuming", await stderr, StringComparison.Ordinal);

            await using var after = new SqliteRunStore(store);
            var run = Assert.Single(await after.ListRunsAsync(10, CancellationToken.None));
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal("sigterm", run.Output!["label"]!.GetValue<string>());
        }
        finally
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }

            process?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Serve_SigtermWhileARunListens_SuspendsIt_AndTheNextServeFinishesItWhenTheReplyArrives()
    {
        await using var scope = new BrokerScope(broker);
        var orders = scope.Queue("orders");
        var replies = scope.Queue("replies");
        var folder = Directory.CreateTempSubdirectory("orchestrator-serve-listen-");
        var store = Path.Combine(folder.FullName, "runs.db");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "order.yaml"), $$$"""
                document: { name: order, version: 1.0.0 }
                on:
                  - queue: {{{orders}}}
                do:
                  - reply:
                      listen:
                        to: {{{replies}}}
                        correlate: { key: "{{ message.data.order }}", equals: "{{ input.order }}" }
                  - done:
                      output: { order: "{{ input.order }}", paid: "{{ reply.data.paid }}" }
                """);

            string stderr;
            using (var first = StartServe(folder.FullName, store, scope))
            {
                var firstErrors = first.StandardError.ReadToEndAsync();
                var (published, _, publishErrors) = await CliRunner.RunAsync(CancellationToken.None, "publish", orders, """{"order": 42}""", "--rabbitmq", scope.Address.ToString());
                Assert.True(published == 0, publishErrors);
                await using (var reader = new SqliteRunStore(store))
                {
                    await Eventually.TrueAsync(
                        () =>
                        {
                            Assert.False(first.HasExited, "serve exited early: " + (first.HasExited ? firstErrors.Result : ""));
                            var runs = reader.ListRunsAsync(1, CancellationToken.None).Result;
                            return runs.Count == 1 && reader.GetHistoryAsync(runs[0].Id, CancellationToken.None).Result.Any(e => e.Kind == HistoryEventKind.StepStarted && e.StepPath == "reply");
                        },
                        "the run to wait in its listen");
                }

                await StopAsync(first);
                stderr = await firstErrors;
                Assert.True(first.ExitCode == 0, stderr);
            }

            await using (var between = new SqliteRunStore(store))
            {
                var waiting = Assert.Single(await between.ListRunsAsync(10, CancellationToken.None));
                Assert.Equal(RunStatus.Running, waiting.Status);
                Assert.Contains(await between.GetHistoryAsync(waiting.Id, CancellationToken.None), e => e.Kind == HistoryEventKind.RunSuspended);
            }

            using var second = StartServe(folder.FullName, store, scope);
            var secondErrors = second.StandardError.ReadToEndAsync();
            var (replied, _, replyErrors) = await CliRunner.RunAsync(CancellationToken.None, "publish", replies, """{"order": 42, "paid": true}""", "--rabbitmq", scope.Address.ToString());
            Assert.True(replied == 0, replyErrors);
            await using (var reader = new SqliteRunStore(store))
            {
                await Eventually.TrueAsync(
                    () =>
                    {
                        Assert.False(second.HasExited, "serve exited early: " + (second.HasExited ? secondErrors.Result : ""));
                        return reader.ListRunsAsync(1, CancellationToken.None).Result.Single().Status == RunStatus.Completed;
                    },
                    "the resumed run to complete");
                var run = (await reader.ListRunsAsync(1, CancellationToken.None)).Single();
                Assert.Equal("""{"order":42,"paid":true}""", run.Output!.ToJsonString());
            }

            await StopAsync(second);
            Assert.Contains("engine.resumed", await secondErrors, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static Process StartServe(string folder, string store, BrokerScope scope)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "orchestrator.dll"), "serve", folder, "--rabbitmq", scope.Address.ToString(), "--prefix", scope.Prefix, "--store", store })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
