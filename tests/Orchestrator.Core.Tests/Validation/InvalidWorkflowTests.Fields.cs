namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: fields that read well but could never do what they seem to say.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> FieldCases => new()
    {
        {
            "retry.errors empty",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { call: greet, retry: { attempts: 2, errors: [] } }
            """,
            "wf.yaml:3:53: error: 'retry.errors' is empty: name at least one error type, or leave it out to retry every retryable error"
        },
        {
            "raise.type with an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { raise: { type: "boom-{{ input.kind }}" } }
            """,
            "wf.yaml:3:25: error: 'raise.type' is a fixed name, not an expression: 'boom-{{ input.kind }}' (put the varying part in 'message')"
        },
        {
            "listen.correlate.key that does not read the message",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  listen:
                    to: payments
                    correlate: { key: "{{ input.id }}", equals: "{{ input.id }}" }
            """,
            "wf.yaml:6:27: error: 'listen.correlate.key' must read the message, e.g. \"{{ message.data.order_id }}\" ('equals' holds this run's value)"
        },
        {
            "listen on a queue RabbitMQ reserves",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { listen: { to: amq.replies } }
            """,
            "wf.yaml:3:24: error: 'listen.to': queue name 'amq.replies' starts with 'amq.', which RabbitMQ reserves for its own queues"
        },
        {
            "emit to a queue RabbitMQ reserves",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { emit: { to: amq.events, event: { type: x } } }
            """,
            "wf.yaml:3:22: error: 'emit.to': queue name 'amq.events' starts with 'amq.', which RabbitMQ reserves for its own queues"
        },
    };

    [Fact]
    public void Parse_EmitToAnExchangeWithAnAmqRoutingKey_IsValid()
    {
        var result = Orchestrator.Core.Parsing.WorkflowParser.Parse(
            "document: { name: wf, version: 1.0.0 }\ndo:\n  - a: { emit: { to: amq.key, exchange: orders, event: { type: x } } }\n", "wf.yaml", _ => null);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(FieldCases))]
    public void Parse_MisleadingField_ReportsDiagnosticWithPositionAndMessage(string scenario, string yaml, string expected)
    {
        var result = Orchestrator.Core.Parsing.WorkflowParser.Parse(yaml, "wf.yaml", _ => null);

        Assert.True(result.Diagnostics.Count > 0, $"{scenario}: expected a diagnostic, got none");
        Assert.Equal(expected, result.Diagnostics[0].ToString());
    }

    [Theory]
    [InlineData("~", false)]
    [InlineData("Null", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("True", true)]
    public void Parse_IfWithAYamlBooleanInAnySpelling_IsThatBoolean(string spelling, bool expected)
    {
        var result = Orchestrator.Core.Parsing.WorkflowParser.Parse(
            $"document: {{ name: wf, version: 1.0.0 }}\ndo:\n  - a: {{ set: 1, if: {spelling} }}\n", "wf.yaml", _ => null);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var condition = result.Workflow!.Do.Tasks[0].If!;
        Assert.Equal(expected, condition.EvaluateCondition(new Orchestrator.Core.Expressions.ExpressionScope(), CancellationToken.None));
    }
}
