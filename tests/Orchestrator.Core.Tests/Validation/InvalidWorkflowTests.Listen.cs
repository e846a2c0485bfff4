using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the listen cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> ListenCases => new()
    {
        {
            "listen with a bare channel",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen: payments
            """,
            "wf.yaml:4:15: error: 'listen' must be a mapping: { to: payments, type: payment.received, correlate: { key: \"{{ message.data.order_id }}\", equals: \"{{ input.order_id }}\" } }"
        },
        {
            "listen without to",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen: { type: payment.received }
            """,
            "wf.yaml:4:15: error: 'listen' is missing required key 'to'"
        },
        {
            "listen.to an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: "payments-{{ input.region }}"
            """,
            "wf.yaml:5:13: error: 'listen.to' must be a literal string: expressions ({{ }}) are not allowed here"
        },
        {
            "listen.to null",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to:
            """,
            "wf.yaml:5:12: error: 'listen.to' must be a non-empty string"
        },
        {
            "listen.type an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    type: "{{ input.eventType }}"
            """,
            "wf.yaml:6:15: error: 'listen.type' must be a literal string: expressions ({{ }}) are not allowed here"
        },
        {
            "listen with an unknown key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    timeout: 10m
            """,
            "wf.yaml:6:9: error: unknown key 'timeout' in listen (allowed: to, type, correlate)"
        },
        {
            "listen.correlate as an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate: "{{ message.data.order_id }}"
            """,
            "wf.yaml:6:20: error: 'listen.correlate' must be a mapping: { key: \"{{ message.data.order_id }}\", equals: \"{{ input.order_id }}\" }"
        },
        {
            "listen.correlate without equals",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate:
                      key: "{{ message.data.order_id }}"
            """,
            "wf.yaml:7:11: error: 'listen.correlate' is missing required key 'equals'"
        },
        {
            "listen.correlate without key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate: { equals: "{{ input.order_id }}" }
            """,
            "wf.yaml:6:20: error: 'listen.correlate' is missing required key 'key'"
        },
        {
            "listen.correlate with an unknown key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate:
                      key: "{{ message.data.order_id }}"
                      value: "{{ input.order_id }}"
            """,
            // Reported in file order: the missing 'equals' (at the mapping) before the unknown 'value'.
            "wf.yaml:7:11: error: 'listen.correlate' is missing required key 'equals'"
        },
        {
            "listen.correlate.key without braces",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate:
                      key: message.data.order_id
                      equals: "{{ input.order_id }}"
            """,
            "wf.yaml:7:16: error: 'listen.correlate.key' must be a single expression such as \"{{ message.data.order_id }}\""
        },
        {
            "syntax error in listen.correlate.key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate:
                      key: "{{ message.data | }}"
                      equals: "{{ input.order_id }}"
            """,
            "wf.yaml:7:16: error: invalid expression in 'listen.correlate.key': Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
        {
            "syntax error in listen.correlate.equals",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate:
                      key: "{{ message.data.order_id }}"
                      equals: "{{ input.order_id | }}"
            """,
            "wf.yaml:8:19: error: invalid expression: Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
        {
            "listen with a bad timeout",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen: { to: payments }
                  timeout: forever
            """,
            "wf.yaml:5:16: error: invalid duration 'forever' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "emit and listen in one step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit: { to: order.events, event: { type: order.placed } }
                  listen: { to: payments }
            """,
            "wf.yaml:5:7: error: step 'a' has more than one task keyword: 'emit' and 'listen'"
        },
    };
}
