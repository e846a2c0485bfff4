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

    public string File { get; } = file;

    public List<Diagnostic> Diagnostics { get; } = [];

    public Func<string, string?> ReadTemplate { get; } = readTemplate;

    public SourceLocation At(YamlNode node) => At(node.Start);

    public SourceLocation At(Mark mark) => new(File, (int)mark.Line, (int)mark.Column);

    public void Error(YamlNode node, string message) => Diagnostics.Add(new Diagnostic(At(node), message));

    public void Error(SourceLocation location, string message) => Diagnostics.Add(new Diagnostic(location, message));

    /// <summary>Remembers a loop or catch variable, checked against step names once the whole file is read.</summary>
    public void ClaimVariableName(string name, SourceLocation location, string what) => _variables.Add((name, location, what));

    /// <summary>A variable named like a step would be overwritten by that step's result (or hide it).</summary>
    public void CheckVariablesAgainstSteps()
    {
        foreach (var (name, location, what) in _variables)
        {
            if (_stepNames.TryGetValue(name, out var step))
            {
                Error(location, $"'{what}' cannot be '{name}': a step has that name (at {step.Line}:{step.Column})");
            }
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
