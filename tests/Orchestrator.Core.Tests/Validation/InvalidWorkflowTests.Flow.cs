using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the flow cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> FlowCases => new()
    {
        {
            "fork branch that jumps to another branch",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - both:
                  fork:
                    branches:
                      - a:
                          set: 1
                          then: b
                      - b: { set: 2 }
            """,
            "wf.yaml:6:13: error: fork branch 'a' cannot jump to 'b': branches run side by side; a branch's 'then' may be continue, exit or end (wrap steps that follow each other in a 'do')"
        },
        {
            "then to an unknown step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: 1
                  then: nowhere
              - b: { set: 2 }
            """,
            "wf.yaml:3:5: error: step 'a' jumps to unknown step 'nowhere' (steps in this list: a, b; or continue, exit, end)"
        },
        {
            "then out of a nested list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  do:
                    - b:
                        set: 1
                        then: c
              - c: { set: 2 }
            """,
            "wf.yaml:5:11: error: step 'b' jumps to 'c' (at 8:5), which is not in its list: a jump may only name a sibling (steps in this list: b; or continue, exit, end)"
        },
        {
            "jump to a sibling that has errors of its own",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1, then: b }
              - b: { wait: soon }
            """,
            "wf.yaml:4:16: error: invalid duration 'soon' in 'wait' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "step named like a Scriban keyword",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - end: { set: 1 }
            """,
            "wf.yaml:3:5: error: step name 'end' is reserved (a Scriban keyword or a 'then' directive: expressions could not name it)"
        },
        {
            "loop variable named like a Scriban keyword",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { each: in, in: "{{ input.items }}" }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:20: error: 'for.each' cannot be 'in': a Scriban keyword or a 'then' directive, which expressions could not name"
        },
        {
            "zero step timeout",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1, timeout: 0s }
            """,
            "wf.yaml:3:27: error: 'timeout' must be more than zero, got '0s'"
        },
        {
            "compound duration with units out of order",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { wait: 30s1m }
            """,
            "wf.yaml:3:16: error: invalid duration '30s1m' in 'wait' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "ISO duration in months",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { wait: P1M }
            """,
            "wf.yaml:3:16: error: invalid duration 'P1M' in 'wait' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "switch case to an unknown step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch:
                    - when: "{{ input.express }}"
                      then: expres
                    - default: continue
              - express: { set: 1 }
            """,
            "wf.yaml:5:11: error: step 'route' jumps to unknown step 'expres' (steps in this list: route, express; or continue, exit, end)"
        },
        {
            "switch case without then",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch:
                    - when: "{{ input.express }}"
            """,
            "wf.yaml:5:11: error: a switch case needs both 'when' and 'then'"
        },
        {
            "switch is a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch: { when: "{{ input.express }}", then: end }
            """,
            "wf.yaml:4:15: error: 'switch' must be a list of cases: '- when: \"{{ … }}\"' with 'then', and optionally '- default: …'"
        },
        {
            "switch default with a when",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch:
                    - default: end
                      when: "{{ input.express }}"
            """,
            "wf.yaml:6:11: error: unknown key 'when' in switch default (allowed: default)"
        },
    };
}
