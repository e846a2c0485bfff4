using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the expression cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> ExpressionCases => new()
    {
        {
            "syntax error in with",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  with: { name: "{{ input.name | }}" }
            """,
            "wf.yaml:5:21: error: invalid expression: Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
        {
            "syntax error inside interpolated text",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  with:
                    name: "Dear {{ input.name ( }}!"
            """,
            "wf.yaml:6:15: error: invalid expression: Error while parsing nested expression: Expecting <expression> instead of `}}` in: (<expression>)"
        },
        {
            "stray closing brace",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: "{{ input.x }"
            """,
            "wf.yaml:4:12: error: invalid expression: '{{' is never closed with '}}'"
        },
        {
            "syntax error in if",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  if: "{{ input.count > }}"
                  set: 1
            """,
            "wf.yaml:4:11: error: invalid expression in 'if': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in if without braces",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  if: input.count >
                  set: 1
            """,
            "wf.yaml:4:11: error: invalid expression in 'if': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "if is a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  if: { count: 1 }
                  set: 1
            """,
            "wf.yaml:4:11: error: 'if' must be an expression such as \"{{ input.count > 0 }}\""
        },
        {
            "syntax error in set",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set:
                    total: "{{ 1 + }}"
            """,
            "wf.yaml:5:16: error: invalid expression: Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in switch when",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  switch:
                    - when: "{{ input.x == }}"
                      then: end
            """,
            "wf.yaml:5:17: error: invalid expression in 'when': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in catch when",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { set: 1 }
                  catch:
                    when: error.type ==
            """,
            "wf.yaml:7:15: error: invalid expression in 'catch.when': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in for.in",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items | }}" }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:18: error: invalid expression in 'for.in': Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
        {
            "for.in is a literal list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: [1, 2, 3] }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:18: error: 'for.in' must be a single expression such as \"{{ input.items }}\""
        },
        {
            "for.in without braces",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: input.items }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:18: error: 'for.in' must be a single expression such as \"{{ input.items }}\""
        },
        {
            "template file not found",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { template: templates/missing.sbn }
            """,
            "wf.yaml:4:24: error: template file 'templates/missing.sbn' not found"
        },
        {
            "template file with a syntax error",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { template: templates/broken.sbn }
            """,
            "wf.yaml:4:24: error: invalid template 'templates/broken.sbn': Error while parsing for statement: The <end> statement was not found in: for <variable> in <expression> ... end"
        },
    };
}
