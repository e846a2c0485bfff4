using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Transport.RabbitMq.Publishing;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator publish QUEUE JSON</c>: puts a test message on a queue, as any publisher would (persistent,
/// confirmed by the broker): raw JSON by default, or a CloudEvent in structured or binary mode.
/// </summary>
internal static class PublishCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var arguments = new Arguments(args, ["rabbitmq", "count", "cloudevent", "type", "source", "id"], ["raw"]);
        if (arguments.Positionals.Count != 2)
        {
            throw new UsageException("publish needs a queue and a message: orchestrator publish QUEUE JSON|@file.json");
        }

        var queue = arguments.Positionals[0];
        if (QueueNameRules.Problem(queue) is { } badQueue)
        {
            throw new UsageException($"publish: {badQueue}");
        }

        var text = ReadText(arguments.Positionals[1]);
        var raw = arguments.Flag("raw");
        JsonNode? json = null;
        if (!raw)
        {
            try
            {
                json = JsonNode.Parse(text, null, Orchestrator.Contracts.JsonLimits.DocumentOptions);
            }
            catch (JsonException ex)
            {
                throw new UsageException($"the message is not valid JSON: {Orchestrator.Contracts.JsonError.Describe(ex, text)} (--raw sends text as it is)");
            }
        }

        var mode = arguments.Option("cloudevent") switch
        {
            null => (CloudEventMode?)null,
            "structured" => CloudEventMode.Structured,
            "binary" => CloudEventMode.Binary,
            var other => throw new UsageException($"--cloudevent must be structured or binary, not '{other}'"),
        };
        if (mode is not null && raw)
        {
            throw new UsageException("--raw and --cloudevent do not go together: a CloudEvent's data is JSON");
        }

        if (mode is null && (arguments.Option("type") ?? arguments.Option("source")) is not null)
        {
            // A raw message has no type or source: silently dropping them would hide the mistake.
            throw new UsageException($"--{(arguments.Option("type") is null ? "source" : "type")} needs --cloudevent structured|binary: a raw JSON message has no type or source");
        }

        var count = arguments.Option("count") is { } n ? (int.TryParse(n, out var parsed) && parsed > 0 ? parsed : throw new UsageException("--count must be a positive number")) : 1;
        var address = ServeCommand.ResolveAddress(arguments.Option("rabbitmq"), "publish");
        try
        {
            await using var publisher = await RabbitMqPublisher.ConnectAsync(address, cancellationToken: cancellationToken).ConfigureAwait(false);
            var id = arguments.Option("id");
            for (var i = 0; i < count; i++)
            {
                // With --count, each message needs its own id, or deduplication would start one run for all of them.
                var messageId = id is null ? null : count == 1 ? id : $"{id}-{i + 1}";
                if (mode is { } cloudEvent)
                {
                    await publisher.PublishCloudEventAsync(queue, cloudEvent, arguments.Option("type") ?? "orchestrator.test", arguments.Option("source") ?? "orchestrator/cli", json, messageId, cancellationToken).ConfigureAwait(false);
                }
                else if (raw)
                {
                    await publisher.PublishAsync(queue, Encoding.UTF8.GetBytes(text), "text/plain", null, messageId ?? Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await publisher.PublishJsonAsync(queue, json, messageId, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (PublishException ex)
        {
            await stderr.WriteLineAsync($"orchestrator: the broker refused the message: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (RabbitMqFailure.Describe(ex, address) is { } failure)
        {
            // Nobody answers, the login or the virtual host is refused, or the broker refused the queue.
            await stderr.WriteLineAsync($"orchestrator: {failure}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await stdout.WriteLineAsync($"published {count} message(s) to {queue}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static string ReadText(string argument)
    {
        if (!argument.StartsWith('@'))
        {
            return argument;
        }

        var path = argument[1..];
        return File.Exists(path) ? File.ReadAllText(path) : throw new UsageException($"no such message file: {path}");
    }
}
