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
            "wf.yaml:5:11: error: step 'b' jumps to unknown step 'c' (steps in this list: b; or continue, exit, end)"
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
