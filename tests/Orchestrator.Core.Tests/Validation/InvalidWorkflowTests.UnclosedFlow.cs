using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the unclosedflow cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    /// <summary>Unclosed flow collections followed by more lines: YamlDotNet throws InvalidOperationException, not YamlException.</summary>
    public static TheoryData<string, string> UnclosedFlowCases => new()
    {
        {
            "unclosed bracket before another step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: [1, 2
              - b: { set: 3 }
            """
        },
        {
            "unclosed brace before another key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { total: 1
                  then: end
            """
        },
    };
}
