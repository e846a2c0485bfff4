using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the kind cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> KindCases => new()
    {
        {
            "for without in",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { each: x }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:12: error: 'for' is missing required key 'in'"
        },
        {
            "for without do",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}" }
            """,
            "wf.yaml:3:5: error: for step 'a' is missing required key 'do'"
        },
        {
            "for as an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: "{{ input.items }}"
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:12: error: 'for' must be a mapping: { each: item, in: \"{{ input.items }}\" }"
        },
        {
            "for with concurrency 0",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}", concurrency: 0 }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:52: error: 'for.concurrency' must be an integer of at least 1"
        },
        {
            "try without catch",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
            """,
            "wf.yaml:3:5: error: try step 'a' is missing required key 'catch'"
        },
        {
            "catch errors as a bare type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
                  catch:
                    errors: timeout
            """,
            "wf.yaml:7:17: error: 'catch.errors' must be a mapping: { type: timeout } or { type: [a, b] }"
        },
        {
            "raise without type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  raise: { message: boom }
            """,
            "wf.yaml:4:14: error: 'raise' is missing required key 'type'"
        },
        {
            "raise with a bare message",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  raise: boom
            """,
            "wf.yaml:4:14: error: 'raise' must be a mapping: { type: payment-declined, message: \"…\" }"
        },
        {
            "run without workflow",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  run: { version: 1.0.0 }
            """,
            "wf.yaml:4:12: error: 'run' is missing required key 'workflow'"
        },
        {
            "run with a bare name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  run: shipping
            """,
            "wf.yaml:4:12: error: 'run' must be a mapping: { workflow: name, version: 1.0.0, input: { … } }"
        },
        {
            "fork with an empty list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork: []
            """,
            "wf.yaml:4:13: error: 'fork.branches' needs at least one step"
        },
        {
            "fork with empty branches",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork:
                    compete: true
                    branches: []
            """,
            "wf.yaml:6:19: error: 'fork.branches' needs at least one step"
        },
        {
            "fork without branches",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork: { compete: true }
            """,
            "wf.yaml:4:13: error: 'fork' needs 'branches': a list of named tasks"
        },
        {
            "fork compete not a boolean",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork:
                    compete: first
                    branches:
                      - b: { set: 1 }
            """,
            "wf.yaml:5:18: error: 'fork.compete' must be true or false"
        },
        {
            "for.each empty",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { each: "", in: "{{ input.items }}" }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:20: error: 'for.each' must be a non-empty string"
        },
        {
            "switch case is a bare expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  switch:
                    - "{{ input.express }}"
            """,
            "wf.yaml:5:11: error: a switch case must be a mapping: { when: \"{{ … }}\", then: step } or { default: step }"
        },
        {
            "catch is a bare type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
                  catch: timeout
            """,
            "wf.yaml:6:14: error: 'catch' must be a mapping (or a list of them): { errors: { type: timeout }, do: [ … ] }"
        },
        {
            "retry errors as a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { errors: { type: timeout } }
            """,
            "wf.yaml:5:24: error: 'retry.errors' must be a string or a list of strings"
        },
        {
            "complex mapping key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set:
                    ? [x, y]
                    : 1
            """,
            "wf.yaml:5:11: error: keys must be plain text"
        },
    };

    /// <summary>Cross-file rows: the first workflow is validated; every workflow is in the catalog; functions are echo and greet.</summary>
}
