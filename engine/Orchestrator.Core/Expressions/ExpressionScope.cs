using System.Text.Json.Nodes;
using Scriban;
using Scriban.Runtime;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// The names an expression can see: <c>input</c>, <c>secrets</c>, <c>run</c>, each finished step's result by
/// name, and loop variables. Child scopes (fork branches, loop iterations) see their parents' names.
/// </summary>
public sealed class ExpressionScope
{
    private readonly ExpressionScope? _parent;
    private readonly ScriptObject _values = new();
    private readonly Dictionary<string, JsonNode?> _json = new(StringComparer.Ordinal);

    /// <summary>Creates a root scope.</summary>
    public ExpressionScope()
    {
    }

    private ExpressionScope(ExpressionScope parent)
    {
        _parent = parent;
    }

    /// <summary>How deep this scope is (root is 0).</summary>
    public int Depth => _parent is null ? 0 : _parent.Depth + 1;

    /// <summary>Creates a scope that sees this one's names and can add its own.</summary>
    public ExpressionScope CreateChild() => new(this);

    /// <summary>Binds a name to a JSON value (a step result, a loop variable).</summary>
    public void Set(string name, JsonNode? value)
    {
        lock (_values)
        {
            _json[name] = value;
            _values.SetValue(name, JsonScriban.ToScriban(value), readOnly: false);
        }
    }

    /// <summary>Looks a name up here, then in the parents.</summary>
    public bool TryGet(string name, out JsonNode? value)
    {
        lock (_values)
        {
            if (_json.TryGetValue(name, out value))
            {
                return true;
            }
        }

        if (_parent is not null)
        {
            return _parent.TryGet(name, out value);
        }

        value = null;
        return false;
    }

    /// <summary>Copies this scope's own names into <paramref name="target"/> (a branch's results into its fork's scope).</summary>
    public void CopyTo(ExpressionScope target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_values)
        {
            foreach (var (name, value) in _json)
            {
                target.Set(name, value);
            }
        }
    }

    internal void PushInto(TemplateContext context)
    {
        _parent?.PushInto(context);
        context.PushGlobal(_values);
    }
}
