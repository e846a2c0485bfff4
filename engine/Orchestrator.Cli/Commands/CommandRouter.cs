namespace Orchestrator.Cli.Commands;

/// <summary>Sends each command word to its command.</summary>
internal static class CommandRouter
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            return await RouteAsync(args, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            // A database that does not answer is not bad usage: one line, exit code 1.
            await stderr.WriteLineAsync($"orchestrator: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private static Task<int> RouteAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var rest = args.Skip(1).ToArray();
        return args.FirstOrDefault() switch
        {
            "validate" => Task.FromResult(ValidateCommand.Run(rest, stdout, stderr)),
            "run" => RunCommand.RunAsync(rest, stdout, stderr, cancellationToken),
            "runs" => RunsCommand.RunAsync(rest, stdout, cancellationToken),
            "inbox" => InboxCommand.RunAsync(rest, stdout, stderr, cancellationToken),
            "resume" => ResumeCommand.RunAsync(rest, stdout, stderr, cancellationToken),
            "serve" => ServeCommand.RunAsync(rest, stdout, stderr, cancellationToken),
            "publish" => PublishCommand.RunAsync(rest, stdout, stderr, cancellationToken),
            "help" or "--help" or "-h" or null => Help(stdout),
            "bench" => throw new UsageException("benchmarks run through the launcher: ./orchestrator bench engine"),
            var other => throw new UsageException($"unknown command '{other}'"),
        };
    }

    private static Task<int> Help(TextWriter stdout)
    {
        stdout.WriteLine("""
            usage: orchestrator COMMAND [options]

              run FILE [--input JSON|@file.json] [--store PATH] [--functions DIR]... [--rabbitmq URL] [--no-services]
                    [--quiet]
                    Run a workflow; progress on stderr, output JSON on stdout. --no-services: do not start the
                    services of the services.yaml beside it.
                    Exit 0 completed, 1 failed (error JSON on stderr), 2 bad usage or invalid workflow.
              validate PATH... [--functions DIR]...
                    Check workflow files or folders, function.yaml manifests and services.yaml files; print
                    file:line:col: error: message per problem.
              runs [--store PATH] [--limit N]
                    List recent runs, newest first.
              runs show ID [--store PATH]
                    Print a run's history: every step with status, attempts, start, duration, input and output.
              inbox [--channel NAME] [--store PATH]
                    List the messages that arrived for listen steps and no run has consumed yet, oldest first.
              inbox delete ID... | --channel NAME [--store PATH]
                    Delete messages no listen will ever match (by id, or every one on a channel), printing each
                    deleted message as JSON on stdout first. Exit 1 when an id is not in the inbox.
              resume DIR... [--store PATH] [--functions DIR]... [--quiet]
                    Take up the unfinished runs whose engine stopped or died (lease expired), replay each from its
                    history and drive it to its end; progress on stderr, one line per run on stdout. Ctrl+C suspends
                    them again.
              serve [DIR...] [--role engine|worker|all] [--workflows DIR]... [--functions DIR]... [--rabbitmq URL]
                    [--store PATH] [--prefix NAME] [--drain SECONDS] [--quiet]
                    Serve through RabbitMQ until SIGTERM or Ctrl+C: an engine runs the workflows, consumes their
                    queue triggers and listen channels, and resumes runs whose engine stopped or died; a worker hosts
                    the functions (C# ones, and every functions/*/function.yaml found). Stopping suspends waiting
                    runs at once, lets work in flight finish (up to --drain, default 30 s), then suspends the rest;
                    suspended runs stay running in the store and the next engine resumes them.
              publish QUEUE JSON|@file.json [--rabbitmq URL] [--count N] [--cloudevent structured|binary]
                    [--type TYPE] [--source SOURCE] [--id ID] [--raw]
                    Put a test message on a queue (persistent, confirmed); --raw sends the text as it is.
              bench engine | coldstart | broker | events
                    Benchmark programs (launcher only): see docs/benchmarks.md.

            The store defaults to .orchestrator/runs.db under the current folder (or $ORCHESTRATOR_STORE); --store takes
            a SQLite file or a PostgreSQL URL (postgresql://user:pass@host:5432/database).
            The broker defaults to $ORCHESTRATOR_RABBITMQ (amqp://user:pass@host:5672/vhost).
            """);
        return Task.FromResult(ExitCodes.Ok);
    }
}
