using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using Orchestrator.Core.Parsing;

namespace Orchestrator.Core.Tests.Parsing;

/// <summary>Valid <c>emit</c> and <c>listen</c> steps are read into <see cref="EmitTask"/> and <see cref="ListenTask"/>.</summary>
public sealed class EventTaskParsingTests
{
    [Fact]
    public void Parse_EmitWithEveryField_KeepsThem()
    {
        var emit = Single<EmitTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - announce:
                  emit:
                    to: order.events
                    exchange: orders
                    format: cloudevents
                    event:
                      type: order.placed
                      source: /shop/orders
                      subject: "order {{ input.id }}"
                      data: { id: "{{ input.id }}", lines: "{{ input.lines }}", note: "{{ 1 + 1 }}" }
                  timeout: 5s
                  retry: { attempts: 2 }
            """);

        Assert.Equal(("emit", "announce", "order.events", "orders", EmitFormat.CloudEvents), (emit.Kind, emit.Name, emit.To, emit.Exchange, emit.Format));
        Assert.Equal((5, 13), (emit.ToLocation.Line, emit.ToLocation.Column));
        Assert.Equal(TimeSpan.FromSeconds(5), emit.Timeout);
        Assert.Equal(2, emit.Retry!.Attempts);

        var scope = new ExpressionScope();
        scope.Set("input", JsonNode.Parse("""{ "id": 7, "lines": [1, 2] }"""));
        var evaluated = emit.Event.Evaluate(scope, CancellationToken.None);

        Assert.Equal(
            """{"type":"order.placed","source":"/shop/orders","subject":"order 7","data":{"id":7,"lines":[1,2],"note":2}}""",
            evaluated!.ToJsonString());
    }

    [Fact]
    public void Parse_EmitWithDefaults_PublishesACloudEventToTheQueue()
    {
        var emit = Single<EmitTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - announce:
                  emit: { to: order.events, event: { type: "{{ input.kind }}" } }
            """);

        Assert.Null(emit.Exchange);
        Assert.Equal(EmitFormat.CloudEvents, emit.Format);
        Assert.Null(emit.Timeout);

        var scope = new ExpressionScope();
        scope.Set("input", JsonNode.Parse("""{ "kind": "order.cancelled" }"""));
        Assert.Equal("""{"type":"order.cancelled"}""", emit.Event.Evaluate(scope, CancellationToken.None)!.ToJsonString());
    }

    [Fact]
    public void Parse_EmitAttributesWrittenAsNumbers_AreText()
    {
        var emit = Single<EmitTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - announce:
                  emit: { to: "42", event: { type: 1, subject: 2.5, data: 3 } }
            """);

        Assert.Equal("42", emit.To);
        Assert.Equal("""{"type":"1","subject":"2.5","data":3}""", emit.Event.Evaluate(new ExpressionScope(), CancellationToken.None)!.ToJsonString());
    }

    [Fact]
    public void Parse_JsonEmitWithoutType_IsValid()
    {
        var emit = Single<EmitTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - notify:
                  emit:
                    to: legacy.orders
                    format: json
                    event:
                      data: [1, 2]
            """);

        Assert.Equal(EmitFormat.Json, emit.Format);
        Assert.Equal("""{"data":[1,2]}""", emit.Event.Evaluate(new ExpressionScope(), CancellationToken.None)!.ToJsonString());
    }

    [Fact]
    public void Parse_ListenWithEveryField_KeepsThem()
    {
        var listen = Single<ListenTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - payment:
                  listen:
                    to: payments
                    type: payment.received
                    correlate:
                      key: "{{ message.data.order_id }}"
                      equals: "{{ input.order_id }}"
                  timeout: 10m
                  if: "{{ input.paid != true }}"
            """);

        Assert.Equal(("listen", "payment", "payments", "payment.received"), (listen.Kind, listen.Name, listen.Channel, listen.EventType));
        Assert.Equal(("wf.yaml", 5, 13), (listen.ChannelLocation.File, listen.ChannelLocation.Line, listen.ChannelLocation.Column));
        Assert.Equal(TimeSpan.FromMinutes(10), listen.Timeout);
        Assert.NotNull(listen.If);
        Assert.Equal("{{ message.data.order_id }}", listen.CorrelationKey!.Text);

        var message = new ExpressionScope();
        message.Set("message", JsonNode.Parse("""{ "id": "e1", "data": { "order_id": "A-1" } }"""));
        Assert.Equal("A-1", listen.CorrelationKey.Evaluate(message, CancellationToken.None)!.GetValue<string>());

        var run = new ExpressionScope();
        run.Set("input", JsonNode.Parse("""{ "order_id": "A-1" }"""));
        Assert.Equal("A-1", listen.CorrelationValue!.Evaluate(run, CancellationToken.None)!.GetValue<string>());
    }

    [Fact]
    public void Parse_ListenWithOnlyAChannel_MatchesAnyMessageForever()
    {
        var listen = Single<ListenTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - next:
                  listen: { to: work.items }
            """);

        Assert.Equal("work.items", listen.Channel);
        Assert.Null(listen.EventType);
        Assert.Null(listen.CorrelationKey);
        Assert.Null(listen.CorrelationValue);
        Assert.Null(listen.Timeout);
    }

    [Fact]
    public void Parse_ListenWithALiteralCorrelationValue_KeepsIt()
    {
        var listen = Single<ListenTask>(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - next:
                  listen:
                    to: work.items
                    correlate: { key: "{{ message.subject }}", equals: 42 }
            """);

        Assert.Equal(42, listen.CorrelationValue!.Evaluate(new ExpressionScope(), CancellationToken.None)!.GetValue<long>());
    }

    [Fact]
    public void Parse_EmitAndListenNestedInOtherTasks_AreAmongAllTasks()
    {
        var result = WorkflowParser.Parse(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - both:
                  fork:
                    - send:
                        emit: { to: a, event: { type: t } }
                    - wait_for_it:
                        try:
                          - got:
                              listen: { to: b }
                        catch:
                          errors: { type: timeout }
              - message:
                  set: "{{ got }}"
            """,
            "wf.yaml",
            _ => null);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal(["fork", "emit", "try", "listen", "set"], result.Workflow!.AllTasks().Select(t => t.Kind));
    }

    private static T Single<T>(string yaml)
        where T : TaskDefinition
    {
        var result = WorkflowParser.Parse(yaml, "wf.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return Assert.IsType<T>(Assert.Single(result.Workflow!.Do.Tasks));
    }
}
