using System.Globalization;
using Orchestrator.Core.Events;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator inbox</c>: the messages that arrived for <c>listen</c> steps and no run has consumed yet, oldest
/// first: where a reply that matched no waiting run can be found.
/// </summary>
internal static class InboxCommand
{
    private const int Shown = 160;

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = Orchestrator.Contracts.JsonLimits.Readable;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.FirstOrDefault() == "delete")
        {
            return await InboxDeleteCommand.RunAsync(args[1..], stdout, stderr, cancellationToken).ConfigureAwait(false);
        }

        var arguments = new Arguments(args, ["store", "channel"], []);
        if (arguments.Positionals.Count > 0)
        {
            throw new UsageException("usage: orchestrator inbox [--channel NAME] [--store PATH|URL], or orchestrator inbox delete ID... | --channel NAME");
        }

        var all = await StorePath.ReadAsync(
            arguments.Option("store"),
            store => store is IEventInbox inbox ? inbox.ListMessagesAsync(cancellationToken) : Task.FromResult<IReadOnlyList<InboxMessage>>([]),
            cancellationToken).ConfigureAwait(false);

        var channel = arguments.Option("channel");
        var messages = all.Where(m => channel is null || m.Channel == channel).ToList();
        if (messages.Count == 0)
        {
            await stdout.WriteLineAsync(channel is null ? "the inbox is empty" : $"no message waits on '{channel}'").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var width = Math.Max("CHANNEL".Length, messages.Max(m => m.Channel.Length));
        var typeWidth = Math.Max("TYPE".Length, messages.Max(m => TypeOf(m.Message).Length));
        await stdout.WriteLineAsync($"{"ID",-8}{"CHANNEL".PadRight(width + 2)}{"RECEIVED (UTC)",-25}{"TYPE".PadRight(typeWidth + 2)}DATA").ConfigureAwait(false);
        foreach (var message in messages)
        {
            var text = message.Message["data"]?.ToJsonString(Relaxed) ?? "null";
            if (text.Length > Shown)
            {
                text = string.Create(CultureInfo.InvariantCulture, $"{text[..Shown]}… ({text.Length} chars)");
            }

            var received = message.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{message.Id,-8}{message.Channel.PadRight(width + 2)}{received,-25}{TypeOf(message.Message).PadRight(typeWidth + 2)}{text}")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static string TypeOf(System.Text.Json.Nodes.JsonObject message) => message["type"]?.ToString() ?? "-";
}
