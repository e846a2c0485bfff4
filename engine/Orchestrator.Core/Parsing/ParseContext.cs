using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Core.Parsing;

/// <summary>State shared while one file is parsed: where diagnostics go and how template files are read.</summary>
internal sealed class ParseContext(string file, Func<string, string?> readTemplate)
{
    private readonly Dictionary<string, SourceLocation> _stepNames = new(StringComparer.Ordinal);
    private readonly List<(string Name, SourceLocation Location, string What)> _variables = [];
    private readonly List<(string Step, string Target, SourceLocation Location, string Siblings)> _jumps = [];

    public string File { get; } = file;

    public List<Diagnostic> Diagnostics { get; } = [];

    public Func<string, string?> ReadTemplate { get; } = readTemplate;

    public SourceLocation At(YamlNode node) => At(node.Start);

    public SourceLocation At(Mark mark) => new(File, (int)mark.Line, (int)mark.Column);

    public void Error(YamlNode node, string message) => Diagnostics.Add(new Diagnostic(At(node), message));

    public void Error(SourceLocation location, string message) => Diagnostics.Add(new Diagnostic(location, message));

    /// <summary>Remembers a loop or catch variable, checked against step names once the whole file is read.</summary>
    public void ClaimVariableName(string name, SourceLocation location, string what) => _variables.Add((name, location, what));

    /// <summary>Remembers a jump to a name that is not a sibling, reported once every step name of the file is known.</summary>
    public void CheckJumpLater(string step, string target, SourceLocation location, string siblings) =>
        _jumps.Add((step, target, location, siblings));

    /// <summary>
    /// The checks that need the whole file: a variable named like a step would be overwritten by that step's result
    /// (or hide it); a jump names a step of another list, or no step at all.
    /// </summary>
    public void CheckAcrossSteps()
    {
        foreach (var (name, location, what) in _variables)
        {
            if (_stepNames.TryGetValue(name, out var step))
            {
                Error(location, $"'{what}' cannot be '{name}': a step has that name (at {step.Line}:{step.Column})");
            }
        }

        foreach (var (step, target, location, siblings) in _jumps)
        {
            Error(location, _stepNames.TryGetValue(target, out var elsewhere)
                ? $"step '{step}' jumps to '{target}' (at {elsewhere.Line}:{elsewhere.Column}), which is not in its list: a jump may only name a sibling (steps in this list: {siblings}; or continue, exit, end)"
                : $"step '{step}' jumps to unknown step '{target}' (steps in this list: {siblings}; or continue, exit, end)");
        }
    }

    /// <summary>Step names are global in a workflow (results are addressed by name), so each must be unique.</summary>
    public bool ClaimStepName(string name, SourceLocation location)
    {
        if (_stepNames.TryGetValue(name, out var first))
        {
            Error(location, $"duplicate step name '{name}' (first defined at {first.Line}:{first.Column})");
            return false;
        }

        _stepNames[name] = location;
        return true;
    }
}
