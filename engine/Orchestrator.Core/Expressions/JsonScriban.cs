using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>Converts a script's value to JSON.</summary>
    /// <param name="value">What the script evaluated to.</param>
    /// <param name="expression">The expression's text, for the error.</param>
    /// <exception cref="ExpressionException">The value nests objects and arrays deeper than the sandbox allows
    /// (a value that contains itself is infinitely deep).</exception>
    public static JsonNode? FromScriban(object? value, string expression) => FromScriban(value, expression, 0);

    /// <summary>Fails like <see cref="FromScriban(object?, string)"/> when JSON is nested deeper than the sandbox allows.</summary>
    /// <exception cref="ExpressionException">The value is nested too deeply.</exception>
    public static void CheckNesting(JsonNode? node, string expression) => CheckNesting(node, expression, 0);

    private static void CheckNesting(JsonNode? node, string expression, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                Enter(expression, ref depth);
                foreach (var (_, member) in obj)
                {
                    CheckNesting(member, expression, depth);
                }

                break;
            case JsonArray array:
                Enter(expression, ref depth);
                foreach (var item in array)
                {
                    CheckNesting(item, expression, depth);
                }

                break;
        }
    }

    /// <summary>Counts one more level of objects or arrays.</summary>
    private static void Enter(string expression, ref int depth)
    {
        if (++depth > ScribanSandbox.NestingLimit)
        {
            throw new ExpressionException(expression, ScribanSandbox.NestingLimitMessage);
        }
    }

    private static JsonNode? FromScriban(object? value, string expression, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                CheckNesting(node, expression, depth);
                return node.DeepClone();
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
                Enter(expression, ref depth);
                var items = new JsonArray();
                foreach (var item in scriptArray)
                {
                    items.Add(FromScriban(item, expression, depth));
                }

                return items;
            case IScriptObject script:
                Enter(expression, ref depth);
                var obj = new JsonObject();
                foreach (var member in script.GetMembers())
                {
                    script.TryGetValue(null, default, member, out var memberValue);
                    obj[member] = FromScriban(memberValue, expression, depth);
                }

                return obj;
            case IDictionary dictionary:
                Enter(expression, ref depth);
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = FromScriban(entry.Value, expression, depth);
                }

                return map;
            case IEnumerable sequence:
                Enter(expression, ref depth);
                var array = new JsonArray();
                foreach (var item in sequence)
                {
                    array.Add(FromScriban(item, expression, depth));
                }

                return array;
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
