using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the emit cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> EmitCases => new()
    {
        {
            "emit with a bare queue name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit: order.events
            """,
            "wf.yaml:4:13: error: 'emit' must be a mapping: { to: order.events, event: { type: order.placed, data: \"{{ input }}\" } }"
        },
        {
            "emit without to",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    event: { type: order.placed }
            """,
            "wf.yaml:5:9: error: 'emit' is missing required key 'to'"
        },
        {
            "emit without event",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit: { to: order.events }
            """,
            "wf.yaml:4:13: error: 'emit' is missing required key 'event'"
        },
        {
            "emit.to an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: "{{ input.queue }}"
                    event: { type: order.placed }
            """,
            "wf.yaml:5:13: error: 'emit.to' must be a literal string: expressions ({{ }}) are not allowed here"
        },
        {
            "emit.to a list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: [a, b]
                    event: { type: order.placed }
            """,
            "wf.yaml:5:13: error: 'emit.to' must be a non-empty string"
        },
        {
            "emit.exchange empty",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    exchange: ""
                    event: { type: order.placed }
            """,
            "wf.yaml:6:19: error: 'emit.exchange' must be a non-empty string"
        },
        {
            "emit.exchange an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    exchange: "orders-{{ input.region }}"
                    event: { type: order.placed }
            """,
            "wf.yaml:6:19: error: 'emit.exchange' must be a literal string: expressions ({{ }}) are not allowed here"
        },
        {
            "emit with an unknown format",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    format: xml
                    event: { type: order.placed }
            """,
            "wf.yaml:6:17: error: 'emit.format' must be cloudevents or json, got 'xml'"
        },
        {
            "emit with an unknown key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    queue: order.events
                    to: order.events
                    event: { type: order.placed }
            """,
            "wf.yaml:5:9: error: unknown key 'queue' in emit (allowed: to, exchange, format, event)"
        },
        {
            "emit step with a field of another kind",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit: { to: order.events, event: { type: order.placed } }
                  with: { id: 1 }
            """,
            "wf.yaml:5:7: error: unknown key 'with' in emit step 'a' (allowed: if, timeout, retry, then, emit)"
        },
        {
            "emit.event as an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    event: "{{ input }}"
            """,
            "wf.yaml:6:16: error: 'emit.event' must be a mapping: { type: order.placed, source: /shop/orders, subject: \"{{ input.id }}\", data: \"{{ input }}\" }"
        },
        {
            "cloudevents emit without an event type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    event:
                      data: "{{ input }}"
            """,
            "wf.yaml:7:11: error: 'emit.event' is missing required key 'type' (a CloudEvent needs one; write format: json to send the data alone)"
        },
        {
            "explicit cloudevents emit without an event type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    format: cloudevents
                    event: { subject: "{{ input.id }}" }
            """,
            "wf.yaml:7:16: error: 'emit.event' is missing required key 'type' (a CloudEvent needs one; write format: json to send the data alone)"
        },
        {
            "emit.event with an unknown key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    event:
                      type: order.placed
                      id: "1"
            """,
            "wf.yaml:8:11: error: unknown key 'id' in emit.event (allowed: type, source, subject, data)"
        },
        {
            "emit.event.type a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    event:
                      type: { name: order.placed }
            """,
            "wf.yaml:7:17: error: 'emit.event.type' must be a non-empty string"
        },
        {
            "emit.event.source empty",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    event: { type: order.placed, source: "" }
            """,
            "wf.yaml:6:46: error: 'emit.event.source' must be a non-empty string"
        },
        {
            "syntax error in emit.event.data",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  emit:
                    to: order.events
                    event:
                      type: order.placed
                      data: { id: "{{ input.id | }}" }
            """,
            "wf.yaml:8:23: error: invalid expression: Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
    };
}
