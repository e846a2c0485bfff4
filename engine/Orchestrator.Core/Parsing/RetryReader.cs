using Orchestrator.Core.Definitions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>Reads <c>retry: { attempts, backoff, delay, maxDelay, jitter, errors }</c>.</summary>
internal static class RetryReader
{
    private static readonly string[] Keys = ["attempts", "backoff", "delay", "maxDelay", "jitter", "errors"];

    public static RetryPolicy? Read(YamlNode node, ParseContext context)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, "'retry' must be a mapping such as { attempts: 3, backoff: exponential, delay: 200ms }");
            return null;
        }

        var map = YamlMap.Read(mapping, context);
        map.RejectUnknownKeys(context, "retry", Keys);
        var policy = new RetryPolicy();
        if (map["attempts"] is { } attempts && ValueReader.ReadInt(attempts, context, "retry.attempts", 1) is { } count)
        {
            policy = policy with { Attempts = count };
        }

        if (map["backoff"] is { } backoff)
        {
            var kind = (backoff as YamlScalarNode)?.Value switch
            {
                "constant" => BackoffKind.Constant,
                "linear" => BackoffKind.Linear,
                "exponential" => BackoffKind.Exponential,
                _ => (BackoffKind?)null,
            };
            if (kind is null)
            {
                context.Error(backoff, "'retry.backoff' must be one of constant, linear, exponential");
            }
            else
            {
                policy = policy with { Backoff = kind.Value };
            }
        }

        if (map["delay"] is { } delay && ValueReader.ReadDuration(delay, context, "retry.delay") is { } d)
        {
            policy = policy with { Delay = d };
        }

        if (map["maxDelay"] is { } maxDelay && ValueReader.ReadDuration(maxDelay, context, "retry.maxDelay") is { } max)
        {
            policy = policy with { MaxDelay = max };
        }

        if (map["jitter"] is { } jitter && ValueReader.ReadBool(jitter, context, "retry.jitter") is { } j)
        {
            policy = policy with { Jitter = j };
        }

        if (map["errors"] is { } errors && ValueReader.ReadStringList(errors, context, "retry.errors") is { } types)
        {
            if (types.Count == 0)
            {
                // An empty list would read as "retry nothing" but the default is "retry what is retryable": say so.
                context.Error(errors, "'retry.errors' is empty: name at least one error type, or leave it out to retry every retryable error");
            }
            else
            {
                policy = policy with { Errors = types };
            }
        }

        return policy;
    }
}
