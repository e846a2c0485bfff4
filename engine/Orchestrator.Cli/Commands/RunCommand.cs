using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Cli.Progress;
using Orchestrator.Core.History;
using Orchestrator.Core.Validation;
using Orchestrator.Engine.Embedded;
using Orchestrator.Engine.Loading;
using Orchestrator.Engine.Services;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Workers.Registry;
using Orchestrator.Contracts;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator run FILE</c>: runs a workflow in the embedded engine and prints its output.</summary>
internal static class RunCommand
{
    private static readonly JsonSerializerOptions Indented = JsonLimits.ReadableIndented;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var arguments = new Arguments(args, ["input", "store", "functions", "rabbitmq"], ["quiet", "no-services"]);
        if (arguments.Positionals.Count != 1)
        {
            throw new UsageException("run needs exactly one workflow file: orchestrator run FILE [--input JSON|@file.json]");
        }

        var file = arguments.Positionals[0];
        if (!File.Exists(file))
        {
            throw new UsageException($"no such workflow file: {file}");
        }

        var input = ReadInput(arguments.Option("input"));
        var functionFolders = FunctionCatalog.Checked(arguments.Options("functions"));
        var workerOptions = FunctionCatalog.WorkerOptions();
        Uri? broker;
        try
        {
            broker = RabbitMqAddress.Resolve(arguments.Option("rabbitmq"));
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        var functions = FunctionCatalog.Create();
        var fullPath = Path.GetFullPath(file);
        var folder = Path.GetDirectoryName(fullPath)!;
        await using var pools = functions.AddFunctionFolders(FunctionCatalog.Folders(folder, functionFolders), workerOptions);

        // Sub-workflows are looked up among the workflows beside the one that runs.
        var loaded = WorkflowLoader.Load([file, folder], functions.Names);
        var target = loaded.Workflows.FirstOrDefault(w => Path.GetFullPath(w.SourceFile) == fullPath);
        var problems = pools.Diagnostics.Concat(loaded.Diagnostics.Where(d => Path.GetFullPath(d.Location.File) == fullPath)).ToList();
        var servicesFile = arguments.Flag("no-services") ? null : ReadServices(folder, problems);
        if (target is null || problems.Count > 0)
        {
            foreach (var diagnostic in problems)
            {
                await stderr.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        await using var services = servicesFile is null ? null : await StartServicesAsync(servicesFile, stderr, cancellationToken).ConfigureAwait(false);
        var store = await StorePath.OpenAsync(arguments.Option("store"), cancellationToken).ConfigureAwait(false);
        var progress = arguments.Flag("quiet") ? null : new ConsoleProgress(stderr);
        RunResult result;
        if (broker is null)
        {
            await using var runtime = new EmbeddedRuntime(loaded.Catalog, functions, store, ownsStore: true, observer: progress);
            result = await runtime.Engine.RunAsync(target, input, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Engine and a worker in this process, on the broker: other workers on the same queues share the calls.
            RabbitMqRuntime runtime;
            try
            {
                runtime = await RabbitMqRuntime.StartForRunAsync(broker, loaded.Catalog, functions, store, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Whatever stopped the start, the store is closed (its queued commits flushed) before the command ends.
                await StorePath.CloseAsync(store).ConfigureAwait(false);
                if (RabbitMqFailure.Describe(ex, broker) is not { } failure)
                {
                    throw;
                }

                await stderr.WriteLineAsync($"orchestrator: {failure}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await using (runtime.ConfigureAwait(false))
            {
                result = await runtime.Engine.RunAsync(target, input, cancellationToken).ConfigureAwait(false);
            }
        }

        if (result.Status == RunStatus.Completed)
        {
            await stdout.WriteLineAsync(result.Output?.ToJsonString(Indented) ?? "null").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var error = new JsonObject
        {
            ["runId"] = result.RunId,
            ["status"] = result.Status.ToString().ToLowerInvariant(),
            ["type"] = result.Error?.Type,
            ["message"] = result.Error?.Message,
            ["step"] = result.FailedStep,
        };
        await stderr.WriteLineAsync(error.ToJsonString(Indented)).ConfigureAwait(false);
        return ExitCodes.Failed;
    }

    /// <summary>The <c>services.yaml</c> beside the workflow, if any; a malformed one adds its problem to <paramref name="problems"/>.</summary>
    private static ServicesFile? ReadServices(string folder, List<Diagnostic> problems)
    {
        var path = Path.Combine(folder, ServicesFile.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return ServicesFile.Load(path);
        }
        catch (ServicesFileException ex)
        {
            problems.Add(ex.Diagnostic);
            return null;
        }
    }

    /// <summary>Starts the local services of <c>services.yaml</c> beside the workflow, installing what they need.</summary>
    private static async Task<LocalServices> StartServicesAsync(ServicesFile file, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            await RequirementInstaller.EnsureAsync(file.Requires, stderr, cancellationToken).ConfigureAwait(false);
            return await LocalServices.StartAsync(file, Environment.CurrentDirectory, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new UsageException($"cannot start the services of {Path.Combine(file.Folder, ServicesFile.FileName)}: {ex.Message}");
        }
    }

    private static JsonNode? ReadInput(string? option)
    {
        if (option is null)
        {
            return new JsonObject();
        }

        var text = option;
        if (option.StartsWith('@'))
        {
            var path = option[1..];
            if (!File.Exists(path))
            {
                throw new UsageException($"no such input file: {path}");
            }

            text = File.ReadAllText(path);
        }

        var what = option.StartsWith('@') ? $"--input {option}" : "--input";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException($"{what} is not valid JSON: it is empty");
        }

        try
        {
            // Parsed with room above the limit, so that a too-deep input fails its run with a validation error.
            return JsonNode.Parse(text, null, JsonLimits.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{what} is not valid JSON: {JsonError.Describe(ex, text)}");
        }
    }
}
