using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Events;

/// <summary>The shapes of events: what <c>emit</c> builds, and what <c>listen</c> receives.</summary>
public static class EventMessages
{
    /// <summary>The CloudEvents attributes a received message exposes (besides <c>data</c>).</summary>
    public static readonly string[] Attributes = ["id", "type", "source", "subject", "time", "datacontenttype"];

    /// <summary>A received plain JSON message as an event object: its body is the <c>data</c>.</summary>
    /// <param name="body">The message body.</param>
    /// <param name="id">The transport's message id, if any; else a fresh one.</param>
    public static JsonObject FromPlainJson(JsonNode? body, string? id) => new()
    {
        ["id"] = id ?? Guid.NewGuid().ToString("N"),
        ["type"] = null,
        ["source"] = null,
        ["subject"] = null,
        ["time"] = null,
        ["datacontenttype"] = "application/json",
        ["data"] = body?.DeepClone(),
    };

    /// <summary>An event as a listener on the same engine receives it: the CloudEvent, or for the JSON format its data as a plain message.</summary>
    public static JsonObject AsReceived(OutgoingEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Format == EmitFormat.Json)
        {
            return FromPlainJson(message.Event["data"], message.Event["id"]?.GetValue<string>());
        }

        return FromCloudEvent(message.Event, message.Event["data"]);
    }

    /// <summary>A received CloudEvent as an event object: its <see cref="Attributes"/> and <paramref name="data"/>.</summary>
    /// <param name="attributes">The event's context attributes (other members are ignored).</param>
    /// <param name="data">Its data.</param>
    public static JsonObject FromCloudEvent(JsonObject attributes, JsonNode? data)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var received = new JsonObject();
        foreach (var name in Attributes)
        {
            received[name] = attributes[name]?.DeepClone();
        }

        received["data"] = data?.DeepClone();
        return received;
    }

    /// <summary>The text a correlation compares: a string as is, null as empty, anything else as compact JSON.</summary>
    public static string KeyText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>Builds the CloudEvent (spec 1.0) an <c>emit</c> sends from its evaluated <c>event</c> fields.</summary>
    /// <param name="fields">The evaluated <c>event</c> mapping: type, source, subject, data.</param>
    /// <param name="defaultSource">The source when none is given.</param>
    /// <param name="id">The event's id.</param>
    /// <param name="time">When it is emitted.</param>
    /// <param name="typeRequired">Whether a missing <c>type</c> is an error (CloudEvents format).</param>
    /// <param name="problem">Why the fields are unusable, when they are.</param>
    /// <returns>The event, or null with <paramref name="problem"/> when the fields are unusable.</returns>
    public static JsonObject? Build(JsonNode? fields, string defaultSource, string id, DateTimeOffset time, bool typeRequired, out string? problem)
    {
        problem = null;
        if (fields is not JsonObject map)
        {
            problem = "'emit.event' must evaluate to an object with type, source, subject and data";
            return null;
        }

        foreach (var (name, _) in map)
        {
            if (name is not ("type" or "source" or "subject" or "data"))
            {
                problem = $"'emit.event' has an unknown field '{name}' (expected type, source, subject, data)";
                return null;
            }
        }

        var type = Text(map["type"]);
        if (typeRequired && string.IsNullOrEmpty(type))
        {
            problem = "'emit.event.type' must be a non-empty string";
            return null;
        }

        return new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["type"] = type,
            ["source"] = Text(map["source"]) is { Length: > 0 } source ? source : defaultSource,
            ["subject"] = Text(map["subject"]),
            ["time"] = time.ToString("O", CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = map["data"]?.DeepClone(),
        };

        static string? Text(JsonNode? node) => node is null ? null : KeyText(node);
    }
}
