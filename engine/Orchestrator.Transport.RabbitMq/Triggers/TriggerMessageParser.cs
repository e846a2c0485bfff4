using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Orchestrator.Contracts;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq.Triggers;

/// <summary>
/// Reads what any publisher may put on a trigger queue or a listen channel: a raw JSON body, a structured-mode CloudEvent
/// (content type <c>application/cloudevents+json</c>), or a binary-mode CloudEvent (attributes in <c>ce-*</c> headers,
/// the data as the body). RabbitMQ has no CloudEvents binding of its own; <c>ce-</c> is the prefix of the HTTP and
/// Kafka bindings, and the AMQP 1.0 binding's <c>cloudEvents:</c> / <c>cloudEvents_</c> are accepted too.
/// </summary>
internal static class TriggerMessageParser
{
    private const string StructuredContentType = "application/cloudevents+json";
    private const string BatchContentType = "application/cloudevents-batch+json";
    private static readonly string[] AttributePrefixes = ["ce-", "ce_", "cloudEvents:", "cloudEvents_"];
    // The engine's depth limit rather than System.Text.Json's 64, like every other reader of values.
    private static readonly JsonEventFormatter Formatter = new(JsonLimits.SerializerOptions, JsonLimits.DocumentOptions);

    /// <summary>Reads a message; null with <paramref name="problem"/> set when it cannot start a run.</summary>
    public static TriggerMessage? TryParse(ReadOnlyMemory<byte> body, IReadOnlyBasicProperties properties, out string? problem)
    {
        var message = TryParseAny(body, properties, out problem);
        if (message is not null && JsonLimits.IsTooDeep(message.Input))
        {
            // Turned away here, like a body that is not JSON: a run or a listen step could not keep it.
            problem = JsonLimits.TooDeepMessage("the message's data");
            return null;
        }

        return message;
    }

    private static TriggerMessage? TryParseAny(ReadOnlyMemory<byte> body, IReadOnlyBasicProperties properties, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var headers = ReadHeaders(properties.Headers);
        var contentType = properties.ContentType;
        try
        {
            if (contentType is not null && contentType.StartsWith(BatchContentType, StringComparison.OrdinalIgnoreCase))
            {
                problem = "CloudEvents batches are not supported: publish one event per message";
                return null;
            }

            if (contentType is not null && contentType.StartsWith(StructuredContentType, StringComparison.OrdinalIgnoreCase))
            {
                var structured = Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), extensionAttributes: null);
                return FromEvent(structured.Validate(), properties, headers, out problem);
            }

            if (BinaryAttributes(headers) is { Count: > 0 } attributes)
            {
                return FromBinary(body, attributes, properties, headers, out problem);
            }

            problem = null;
            return new TriggerMessage(JsonNode.Parse(body.Span, null, JsonLimits.DocumentOptions), null, properties.MessageId, headers);
        }
        catch (JsonException ex)
        {
            problem = $"the body is not JSON: {JsonError.Describe(ex, Encoding.UTF8.GetString(body.Span))}";
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // The SDK reports missing or malformed attributes (a bad time, an unknown spec version) this way.
            // Without .NET's " (Parameter 'data')" tail: the reader of a dead letter did not call a method.
            var reason = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            problem = $"not a valid CloudEvent: {reason}";
            return null;
        }
    }

    private static TriggerMessage? FromBinary(ReadOnlyMemory<byte> body, Dictionary<string, string> attributes, IReadOnlyBasicProperties properties, JsonObject headers, out string? problem)
    {
        if (!attributes.Remove("specversion", out var versionId) || CloudEventsSpecVersion.FromVersionId(versionId) is not { } version)
        {
            problem = $"not a valid CloudEvent: unsupported specversion '{attributes.GetValueOrDefault("specversion")}'";
            return null;
        }

        var cloudEvent = new CloudEvent(version);
        foreach (var (name, value) in attributes)
        {
            cloudEvent.SetAttributeFromString(name, value);
        }

        if (properties.ContentType is { } contentType)
        {
            cloudEvent.DataContentType = contentType;
        }

        Formatter.DecodeBinaryModeEventData(body, cloudEvent);
        return FromEvent(cloudEvent.Validate(), properties, headers, out problem);
    }

    private static TriggerMessage? FromEvent(CloudEvent cloudEvent, IReadOnlyBasicProperties properties, JsonObject headers, out string? problem)
    {
        JsonNode? input;
        switch (cloudEvent.Data)
        {
            case null:
                input = null;
                break;
            case JsonElement element:
                input = JsonSerializer.SerializeToNode(element, JsonLimits.SerializerOptions);
                break;
            case string text:
                // Text data (datacontenttype text/*) starts the run with a JSON string.
                input = JsonValue.Create(text);
                break;
            default:
                problem = $"the event's data is not JSON (datacontenttype {cloudEvent.DataContentType ?? "unknown"})";
                return null;
        }

        var attributes = new JsonObject { ["specversion"] = cloudEvent.SpecVersion.VersionId };
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            attributes[attribute.Name] = attribute.Format(value);
        }

        problem = null;
        return new TriggerMessage(input, attributes, properties.MessageId, headers);
    }

    private static Dictionary<string, string> BinaryAttributes(JsonObject headers)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            foreach (var prefix in AttributePrefixes)
            {
                if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && value is not null)
                {
                    attributes[name[prefix.Length..].ToLowerInvariant()] = value.GetValue<string>();
                    break;
                }
            }
        }

        return attributes.ContainsKey("specversion") ? attributes : [];
    }

    /// <summary>AMQP header values as text: the client hands strings over as UTF-8 bytes.</summary>
    private static JsonObject ReadHeaders(IDictionary<string, object?>? headers)
    {
        var result = new JsonObject();
        if (headers is null)
        {
            return result;
        }

        foreach (var (name, value) in headers)
        {
            result[name] = value switch
            {
                null => null,
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                AmqpTimestamp timestamp => DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime).ToString("O", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
        }

        return result;
    }
}
