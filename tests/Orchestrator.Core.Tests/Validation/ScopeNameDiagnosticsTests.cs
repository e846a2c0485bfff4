using Orchestrator.Core.Parsing;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Names bound by loops and catches, unbalanced expressions, triggers and YAML features workflows reject.</summary>
public sealed class ScopeNameDiagnosticsTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "for.each not an identifier",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - l:\n      for: { each: 1x, in: \"{{ input.a }}\" }\n      do: [ { s: { set: 1 } } ]\n",
            "wf.yaml:4:20: error: 'for.each' must be an identifier (letters, digits and _, not starting with a digit), got '1x'"
        },
        {
            "for.each hides input",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - l:\n      for: { each: input, in: \"{{ input.a }}\" }\n      do: [ { s: { set: 1 } } ]\n",
            "wf.yaml:4:20: error: 'for.each' cannot be 'input': that name is already in scope"
        },
        {
            "for.at named like a step",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - l:\n      for: { at: s, in: \"{{ input.a }}\" }\n      do: [ { s: { set: 1 } } ]\n",
            "wf.yaml:4:18: error: 'for.at' cannot be 's': a step has that name (at 5:15)"
        },
        {
            "catch.as hides run",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - t:\n      try: [ { s: { set: 1 } } ]\n      catch: { as: run }\n",
            "wf.yaml:5:20: error: 'catch.as' cannot be 'run': that name is already in scope"
        },
        {
            "unclosed expression",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - s:\n      set: \"x {{ input.x \"\n",
            "wf.yaml:4:12: error: invalid expression: '{{' is never closed with '}}'"
        },
        {
            "empty expression",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - s:\n      set: \"{{ }}\"\n",
            "wf.yaml:4:12: error: invalid expression: empty expression '{{ }}'"
        },
        {
            "trigger without queue",
            "document: { name: wf, version: 1.0.0 }\non:\n  - {}\ndo:\n  - s: { set: 1 }\n",
            "wf.yaml:3:5: error: a trigger needs 'queue': the RabbitMQ queue whose messages start runs"
        },
        {
            "self-referencing alias",
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - s:\n      set: &x [1, *x]\n",
            "wf.yaml:4:12: error: YAML anchors (&x) are not supported in workflows; repeat the value instead"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_BadName_ReportsIt(string scenario, string yaml, string expected)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yaml", _ => null);

        Assert.True(result.Diagnostics.Count > 0, scenario);
        Assert.Equal(expected, result.Diagnostics[0].ToString());
    }
}
