using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Core.Events;

/// <summary>The ids of the last messages consumed per channel, oldest forgotten first: what detects a redelivered copy.</summary>
internal sealed class RecentMessageIds(int capacity)
{
    private readonly HashSet<(string Channel, string Id)> _ids = [];
    private readonly Queue<(string Channel, string Id)> _order = new();

    /// <summary>A message's <c>id</c> attribute, when it is a string.</summary>
    public static string? IdOf(JsonObject message) =>
        message["id"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public bool Contains(string channel, string id) => _ids.Contains((channel, id));

    public void Add(InboxMessage message)
    {
        if (IdOf(message.Message) is not { } id || !_ids.Add((message.Channel, id)))
        {
            return;
        }

        _order.Enqueue((message.Channel, id));
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }
    }
}
