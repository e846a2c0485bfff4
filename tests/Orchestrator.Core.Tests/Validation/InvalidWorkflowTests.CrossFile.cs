using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the crossfile cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    /// <summary>Cross-file rows: the first workflow is validated; every workflow is in the catalog; functions are echo and greet.</summary>
    public static TheoryData<string, string[], string> CrossFileCases => new()
    {
        {
            "unknown function",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - hello:
                      call: gret
                      with: { name: Ada }
                """,
            ],
            "wf.yaml:4:13: error: unknown function 'gret' (known: echo, greet)"
        },
        {
            "unknown sub-workflow",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - ship:
                      run: { workflow: shiping }
                """,
                """
                document: { name: shipping, version: 1.0.0 }
                do:
                  - quote: { call: echo }
                """,
            ],
            "wf.yaml:4:24: error: unknown workflow 'shiping' (known: shipping@1.0.0, wf@1.0.0)"
        },
        {
            "sub-workflow version not loaded",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - ship:
                      run:
                        workflow: shipping
                        version: 2.0.0
                """,
                """
                document: { name: shipping, version: 1.0.0 }
                do:
                  - quote: { call: echo }
                """,
            ],
            "wf.yaml:5:19: error: unknown workflow 'shipping' version 2.0.0 (known: shipping@1.0.0, wf@1.0.0)"
        },
        {
            "two workflows running each other",
            [
                """
                document: { name: ping, version: 1.0.0 }
                do:
                  - other:
                      run: { workflow: pong }
                """,
                """
                document: { name: pong, version: 1.0.0 }
                do:
                  - back:
                      run: { workflow: ping }
                """,
            ],
            "wf.yaml:4:24: error: sub-workflow cycle: ping@1.0.0 -> pong@1.0.0 -> ping@1.0.0"
        },
        {
            "workflow running itself",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - again:
                      run: { workflow: wf, version: 1.0.0 }
                """,
            ],
            "wf.yaml:4:24: error: sub-workflow cycle: wf@1.0.0 -> wf@1.0.0"
        },
        {
            "a cycle member, loaded beside a workflow that enters the cycle",
            [
                """
                document: { name: ping, version: 1.0.0 }
                do:
                  - other:
                      run: { workflow: pong }
                """,
                """
                document: { name: pong, version: 1.0.0 }
                do:
                  - back:
                      run: { workflow: ping }
                """,
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - enter:
                      run: { workflow: ping }
                """,
            ],
            "wf.yaml:4:24: error: sub-workflow cycle: ping@1.0.0 -> pong@1.0.0 -> ping@1.0.0"
        },
    };

    /// <summary>Unclosed flow collections followed by more lines: YamlDotNet throws InvalidOperationException, not YamlException.</summary>
}
