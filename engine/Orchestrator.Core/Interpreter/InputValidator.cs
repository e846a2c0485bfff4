using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Interpreter;

/// <summary>
/// Checks an input against a workflow's <c>input.schema</c> before any run exists, with the same rules and
/// messages as a starting run: a trigger turns a bad message away instead of recording a failed run for it.
/// </summary>
public static class InputValidator
{
    /// <summary>Checks <paramref name="input"/>.</summary>
    /// <returns>Null when it is valid (or the workflow has no schema); else the <see cref="ErrorTypes.Validation"/> error a run would fail with.</returns>
    public static ErrorInfo? Validate(WorkflowDefinition workflow, JsonNode? input)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        try
        {
            RunInputs.Validate(workflow, input, null);
            return null;
        }
        catch (WorkflowFailureException failure)
        {
            return failure.Error;
        }
    }
}
