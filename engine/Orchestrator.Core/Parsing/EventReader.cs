using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>Reads the event tasks: <c>emit</c> (publish a message) and <c>listen</c> (wait for one).</summary>
internal static partial class EventReader
{
    private static readonly string[] EmitKeys = ["to", "exchange", "format", "event"];
    private static readonly string[] EventKeys = ["type", "source", "subject", "data"];
    private static readonly string[] ListenKeys = ["to", "type", "correlate"];
    private static readonly string[] CorrelateKeys = ["key", "equals"];

    public static TaskDefinition? ReadEmit(CommonFields c)
    {
        if (c.Map["emit"] is not YamlMappingNode mapping)
        {
            c.Context.Error(c.Map["emit"]!, "'emit' must be a mapping: { to: order.events, event: { type: order.placed, data: \"{{ input }}\" } }");
            return null;
        }

        var map = YamlMap.Read(mapping, c.Context);
        map.RejectUnknownKeys(c.Context, "emit", EmitKeys);
        string? to = null;
        if (map["to"] is { } toNode)
        {
            to = ValueReader.ReadLiteralString(toNode, c.Context, "emit.to");
        }
        else
        {
            c.Context.Error(mapping, "'emit' is missing required key 'to'");
        }

        var exchangeOk = true;
        string? exchange = null;
        if (map["exchange"] is { } exchangeNode)
        {
            exchange = ValueReader.ReadLiteralString(exchangeNode, c.Context, "emit.exchange");
            exchangeOk = exchange is not null;
        }

        // Without an exchange, 'to' is a queue the broker declares: a name it would refuse is an error here.
        if (to is not null && exchangeOk && exchange is null && QueueNameRules.Problem(to) is { } problem)
        {
            c.Context.Error(map["to"]!, $"'emit.to': {problem}");
            to = null;
        }

        var format = map["format"] is { } formatNode ? ReadFormat(formatNode, c.Context) : EmitFormat.CloudEvents;
        ValueTemplate? @event = null;
        if (map["event"] is { } eventNode)
        {
            @event = ReadEvent(eventNode, format ?? EmitFormat.CloudEvents, c.Context);
        }
        else
        {
            c.Context.Error(mapping, "'emit' is missing required key 'event'");
        }

        return to is null || !exchangeOk || format is null || @event is null
            ? null
            : KindReader.Finish(new EmitTask { To = to, ToLocation = c.Context.At(map["to"]!), Exchange = exchange, Format = format.Value, Event = @event }, c);
    }

    private static EmitFormat? ReadFormat(YamlNode node, ParseContext context)
    {
        var text = ValueReader.ReadString(node, context, "emit.format");
        switch (text)
        {
            case null:
                return null;
            case "cloudevents":
                return EmitFormat.CloudEvents;
            case "json":
                return EmitFormat.Json;
            default:
                context.Error(node, $"'emit.format' must be cloudevents or json, got '{text}'");
                return null;
        }
    }

    /// <summary>Reads <c>emit.event</c>: a mapping of templates; a CloudEvent needs a <c>type</c>.</summary>
    private static ValueTemplate? ReadEvent(YamlNode node, EmitFormat format, ParseContext context)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, "'emit.event' must be a mapping: { type: order.placed, source: /shop/orders, subject: \"{{ input.id }}\", data: \"{{ input }}\" }");
            return null;
        }

        var map = YamlMap.Read(mapping, context);
        map.RejectUnknownKeys(context, "emit.event", EventKeys);
        var ok = true;
        if (format == EmitFormat.CloudEvents && map["type"] is null)
        {
            context.Error(mapping, "'emit.event' is missing required key 'type' (a CloudEvent needs one; write format: json to send the data alone)");
            ok = false;
        }

        var members = new List<KeyValuePair<string, ValueTemplate>>();
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value ?? "";
            if (name == "data")
            {
                members.Add(KeyValuePair.Create(name, ValueReader.ReadTemplate(value, context)));
            }
            else if (EventKeys.Contains(name, StringComparer.Ordinal))
            {
                // The CloudEvent attributes are text: written as is, or interpolated / one expression evaluated at run time.
                var text = ValueReader.ReadString(value, context, $"emit.event.{name}");
                if (text is null)
                {
                    ok = false;
                }
                else
                {
                    members.Add(KeyValuePair.Create(name, CompiledExpression.HasExpression(text) ? ValueReader.ReadTemplate(value, context) : ValueTemplate.Literal(JsonValue.Create(text))));
                }
            }
        }

        return ok ? ValueTemplate.ObjectOf(members) : null;
    }

    public static TaskDefinition? ReadListen(CommonFields c)
    {
        if (c.Map["listen"] is not YamlMappingNode mapping)
        {
            c.Context.Error(c.Map["listen"]!, "'listen' must be a mapping: { to: payments, type: payment.received, correlate: { key: \"{{ message.data.order_id }}\", equals: \"{{ input.order_id }}\" } }");
            return null;
        }

        var map = YamlMap.Read(mapping, c.Context);
        map.RejectUnknownKeys(c.Context, "listen", ListenKeys);
        string? channel = null;
        if (map["to"] is { } toNode)
        {
            channel = ValueReader.ReadLiteralString(toNode, c.Context, "listen.to");
            if (channel is not null && QueueNameRules.Problem(channel, ".dead") is { } problem)
            {
                // A listen channel is a queue the engine declares, with its dead-letter queue CHANNEL.dead.
                c.Context.Error(toNode, $"'listen.to': {problem}");
                channel = null;
            }
        }
        else
        {
            c.Context.Error(mapping, "'listen' is missing required key 'to'");
        }

        var typeOk = true;
        string? type = null;
        if (map["type"] is { } typeNode)
        {
            type = ValueReader.ReadLiteralString(typeNode, c.Context, "listen.type");
            typeOk = type is not null;
        }

        var correlateOk = true;
        (CompiledExpression Key, ValueTemplate Value)? correlation = null;
        if (map["correlate"] is { } correlateNode)
        {
            correlation = ReadCorrelate(correlateNode, c.Context);
            correlateOk = correlation is not null;
        }

        return channel is null || !typeOk || !correlateOk
            ? null
            : KindReader.Finish(
                new ListenTask
                {
                    Channel = channel,
                    ChannelLocation = c.Context.At(map["to"]!),
                    EventType = type,
                    CorrelationKey = correlation?.Key,
                    CorrelationValue = correlation?.Value,
                },
                c);
    }

    private static (CompiledExpression Key, ValueTemplate Value)? ReadCorrelate(YamlNode node, ParseContext context)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, "'listen.correlate' must be a mapping: { key: \"{{ message.data.order_id }}\", equals: \"{{ input.order_id }}\" }");
            return null;
        }

        var map = YamlMap.Read(mapping, context);
        map.RejectUnknownKeys(context, "listen.correlate", CorrelateKeys);
        CompiledExpression? key = null;
        if (map["key"] is { } keyNode)
        {
            key = ValueReader.ReadExpression(keyNode, context, "listen.correlate.key", "message.data.order_id");
            if (key is not null && !ReadsMessage().IsMatch(key.Text))
            {
                // A key that never looks at the message is the same for every message: it matches all or none.
                context.Error(keyNode, "'listen.correlate.key' must read the message, e.g. \"{{ message.data.order_id }}\" ('equals' holds this run's value)");
                key = null;
            }
        }
        else
        {
            context.Error(mapping, "'listen.correlate' is missing required key 'key'");
        }

        ValueTemplate? equals = null;
        if (map["equals"] is { } equalsNode)
        {
            equals = ValueReader.ReadTemplate(equalsNode, context);
        }
        else
        {
            context.Error(mapping, "'listen.correlate' is missing required key 'equals'");
        }

        return key is null || equals is null ? null : (key, equals);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w.])message\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ReadsMessage();
}
