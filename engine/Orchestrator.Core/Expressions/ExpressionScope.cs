using System.Text.Json.Nodes;
using Scriban;
using Scriban.Runtime;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// The names an expression can see: <c>input</c>, <c>secrets</c>, <c>run</c>, each finished step's result by
/// name, and loop variables. Child scopes (fork branches, loop iterations) see their parents' names.
/// </summary>
/// <remarks>
/// Values are kept as JSON; they are converted to Scriban objects only when a Scriban script needs them, and only
/// once per change, because most expressions are plain paths (<c>{{ step.field }}</c>) that never need Scriban.
/// </remarks>
public sealed class ExpressionScope
{
    private readonly ExpressionScope? _parent;
    private readonly ScriptObject _values = new();
    private readonly Dictionary<string, JsonNode?> _json = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unconverted = new(StringComparer.Ordinal);

    /// <summary>Creates a root scope.</summary>
    public ExpressionScope()
    {
    }

    private ExpressionScope(ExpressionScope parent)
    {
        _parent = parent;
    }

    /// <summary>Creates a scope that sees this one's names and can add its own.</summary>
    public ExpressionScope CreateChild() => new(this);

    /// <summary>Binds a name to a JSON value (a step result, a loop variable).</summary>
    public void Set(string name, JsonNode? value)
    {
        lock (_json)
        {
            _json[name] = value;
            _unconverted.Add(name);
        }
    }

    /// <summary>Looks a name up here, then in the parents.</summary>
    public bool TryGet(string name, out JsonNode? value)
    {
        lock (_json)
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
        lock (_json)
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
        lock (_json)
        {
            if (_unconverted.Count > 0)
            {
                foreach (var name in _unconverted)
                {
                    _values.SetValue(name, JsonScriban.ToScriban(_json[name]), readOnly: false);
                }

                _unconverted.Clear();
            }
        }

        context.PushGlobal(_values);
    }
}
