using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Core.Events;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>orchestrator inbox delete ID... | --channel NAME</c>: removes messages that no <c>listen</c> will ever match
/// (nothing expires them). Each deleted message is printed whole first, so a deletion loses nothing for good.
/// </summary>
internal static class InboxDeleteCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var arguments = new Arguments(args, ["store", "channel"], []);
        var channel = arguments.Option("channel");
        if ((channel is null) == (arguments.Positionals.Count == 0))
        {
            throw new UsageException("usage: orchestrator inbox delete ID... | --channel NAME [--store PATH|URL]");
        }

        var ids = new List<long>();
        foreach (var text in arguments.Positionals)
        {
            ids.Add(long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw new UsageException($"an inbox id is a number (see orchestrator inbox), not '{text}'"));
        }

        var (deleted, missing) = await StorePath.ReadAsync(
            arguments.Option("store"),
            store => store is IEventInbox inbox ? DeleteAsync(inbox, ids, channel, stdout, cancellationToken) : Task.FromResult((0, ids)),
            cancellationToken).ConfigureAwait(false);

        foreach (var id in missing)
        {
            await stderr.WriteLineAsync($"orchestrator: no message {id} in the inbox (consumed, deleted, or never there)").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"deleted {deleted} message(s)")).ConfigureAwait(false);
        return missing.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task<(int Deleted, List<long> Missing)> DeleteAsync(
        IEventInbox inbox, List<long> ids, string? channel, TextWriter stdout, CancellationToken cancellationToken)
    {
        var all = await inbox.ListMessagesAsync(cancellationToken).ConfigureAwait(false);
        var chosen = channel is null ? all.Where(m => ids.Contains(m.Id)).ToList() : all.Where(m => m.Channel == channel).ToList();
        var missing = ids.Where(id => chosen.All(m => m.Id != id)).Distinct().ToList();
        foreach (var message in chosen)
        {
            var line = new JsonObject
            {
                ["id"] = message.Id,
                ["channel"] = message.Channel,
                ["receivedAt"] = message.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["message"] = message.Message.DeepClone(),
            };
            await stdout.WriteLineAsync(line.ToJsonString(Orchestrator.Contracts.JsonLimits.Readable)).ConfigureAwait(false);
        }

        var deleted = chosen.Count == 0 ? 0 : await inbox.DeleteMessagesAsync([.. chosen.Select(m => m.Id)], cancellationToken).ConfigureAwait(false);
        return (deleted, missing);
    }
}
