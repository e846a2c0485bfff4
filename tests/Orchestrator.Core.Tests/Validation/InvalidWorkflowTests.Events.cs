using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the emit and listen cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> EventCases => new()
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
            "wf.yaml:8:11: error: unknown key 'value' in listen.correlate (allowed: key, equals)"
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

    /// <summary>Cross-file rows for listen: the first workflow is validated; every workflow is in the catalog.</summary>
    public static TheoryData<string, string[], string> EventCrossFileCases => new()
    {
        {
            "listen on the workflow's own trigger queue",
            [
                """
                document: { name: wf, version: 1.0.0 }
                on:
                  - queue: payments
                do:
                  - paid:
                      listen: { to: payments }
                """,
            ],
            "wf.yaml:6:21: error: listen channel 'payments' is also a queue trigger of wf@1.0.0: a message there would both start a run and be awaited; listen on a queue that no workflow's 'on' names"
        },
        {
            "listen on another workflow's trigger queue",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - paid:
                      listen:
                        to: payments
                        type: payment.received
                """,
                """
                document: { name: billing, version: 1.0.0 }
                on:
                  - queue: payments
                do:
                  - s: { set: 1 }
                """,
                """
                document: { name: billing, version: 2.0.0 }
                on:
                  - queue: payments
                do:
                  - s: { set: 2 }
                """,
            ],
            "wf.yaml:5:13: error: listen channel 'payments' is also a queue trigger of billing@1.0.0, billing@2.0.0: a message there would both start a run and be awaited; listen on a queue that no workflow's 'on' names"
        },
    };

    [Theory]
    [MemberData(nameof(EventCases))]
    public void Parse_InvalidEventTask_ReportsFirstDiagnosticWithPositionAndMessage(string scenario, string yaml, string expected) =>
        Parse_InvalidWorkflow_ReportsFirstDiagnosticWithPositionAndMessage(scenario, yaml, expected);

    [Theory]
    [MemberData(nameof(EventCrossFileCases))]
    public void Validate_ListenOnATriggerQueue_ReportsDiagnosticAtTheChannel(string scenario, string[] files, string expected) =>
        Validate_InvalidReference_ReportsDiagnosticAtTheReference(scenario, files, expected);

    [Fact]
    public void Validate_EmitToATriggerQueueAndListenElsewhere_IsValid()
    {
        var catalog = new WorkflowCatalog();
        var workflow = ParseValid(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - announce:
                  emit: { to: payments, event: { type: payment.requested } }
              - paid:
                  listen: { to: payment.results }
            """,
            "wf.yaml");
        catalog.TryAdd(workflow);
        catalog.TryAdd(ParseValid("document: { name: billing, version: 1.0.0 }\non:\n  - queue: payments\ndo:\n  - s: { set: 1 }\n", "billing.yaml"));

        Assert.Empty(WorkflowValidator.Validate(workflow, catalog, Functions));
    }
}
