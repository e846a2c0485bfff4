using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the emit and listen cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
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
    [MemberData(nameof(EmitCases))]
    [MemberData(nameof(ListenCases))]
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
