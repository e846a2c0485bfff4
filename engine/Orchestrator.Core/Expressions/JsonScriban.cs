using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Scriban.Runtime;

namespace Orchestrator.Core.Expressions;

/// <summary>Converts between JSON values and the plain objects Scriban scripts see (no .NET objects leak in).</summary>
internal static class JsonScriban
{
    public static object? ToScriban(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var script = new ScriptObject(obj.Count);
                foreach (var (key, value) in obj)
                {
                    script.SetValue(key, ToScriban(value), readOnly: false);
                }

                return script;
            case JsonArray array:
                var list = new ScriptArray(array.Count);
                foreach (var item in array)
                {
                    list.Add(ToScriban(item));
                }

                return list;
            default:
                return ToScalar(node.AsValue());
        }
    }

    private static object? ToScalar(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (value.TryGetValue<long>(out var l))
                {
                    return l;
                }

                if (value.TryGetValue<int>(out var i))
                {
                    return (long)i;
                }

                if (value.TryGetValue<JsonElement>(out var element))
                {
                    return element.TryGetInt64(out l) ? l : element.GetDouble();
                }

                return value.TryGetValue<decimal>(out var m) ? m : value.GetValue<double>();
            default:
                return null;
        }
    }

    /// <summary>The JSON of a script's value.</summary>
    /// <exception cref="ExpressionException">The value nests deeper than <see cref="JsonLimits.MaxDepth"/> (or refers to itself).</exception>
    public static JsonNode? FromScriban(object? value, string expression) => FromScriban(value, expression, 0);

    // depth counts the containers around value, so conversion stops at the limit: a value built in a loop (or one
    // that contains itself) fails its step instead of overflowing the stack or producing JSON no store can read.
    private static JsonNode? FromScriban(object? value, string expression, int depth)
    {
        if (depth >= JsonLimits.MaxDepth && value is ScriptArray or IScriptObject or IDictionary or (IEnumerable and not string))
        {
            throw new ExpressionException(expression, JsonLimits.TooDeepMessage("the value"));
        }

        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                return JsonLimits.Depth(node, JsonLimits.MaxDepth - depth) + depth > JsonLimits.MaxDepth
                    ? throw new ExpressionException(expression, JsonLimits.TooDeepMessage("the value"))
                    : node.DeepClone();
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int or long or short or byte or sbyte or ushort or uint:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return JsonValue.Create(u);
            case double d:
                return double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));
            case float f:
                return JsonValue.Create((double)f);
            case decimal m:
                return JsonValue.Create(m);
            case BigInteger big:
                return JsonNode.Parse(big.ToString(CultureInfo.InvariantCulture));
            case DateTime dt:
                return JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture));
            case ScriptArray scriptArray:
                return new JsonArray([.. scriptArray.Select(item => FromScriban(item, expression, depth + 1))]);
            case IScriptObject script:
                var obj = new JsonObject();
                foreach (var member in script.GetMembers())
                {
                    script.TryGetValue(null, default, member, out var memberValue);
                    obj[member] = FromScriban(memberValue, expression, depth + 1);
                }

                return obj;
            case IDictionary dictionary:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = FromScriban(entry.Value, expression, depth + 1);
                }

                return map;
            case IEnumerable sequence:
                var array = new JsonArray();
                foreach (var item in sequence)
                {
                    array.Add(FromScriban(item, expression, depth + 1));
                }

                return array;
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
