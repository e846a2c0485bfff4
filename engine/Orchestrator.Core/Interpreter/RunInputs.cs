using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Orchestrator.Contracts;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;
using Orchestrator.Core.History;

namespace Orchestrator.Core.Interpreter;

/// <summary>What a (sub-)workflow starts with: its input checked against <c>input.schema</c>, and its root names.</summary>
internal static class RunInputs
{
    public static void Validate(WorkflowDefinition workflow, JsonNode? input, string? step)
    {
        if (CheckDepth(input) is { } tooDeep)
        {
            throw new WorkflowFailureException(tooDeep, step);
        }

        if (workflow.InputSchema is not { } schema)
        {
            return;
        }

        var result = schema.Evaluate(JsonSerializer.SerializeToElement(input, JsonLimits.SerializerOptions), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return;
        }

        var problems = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Where(d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct(StringComparer.Ordinal)
            .Take(5)
            .ToList();
        var message = $"input does not match the input.schema of {workflow.Name}@{workflow.Version}: " +
            (problems.Count == 0 ? "invalid" : string.Join("; ", problems));
        throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Validation, message, null, Retryable: false), step);

        static string Where(string pointer) => pointer.Length == 0 ? "input" : "input" + pointer.Replace('/', '.');
    }

    /// <summary>The <see cref="ErrorTypes.Validation"/> error of an input nested deeper than <see cref="JsonLimits.MaxDepth"/>; else null.</summary>
    public static ErrorInfo? CheckDepth(JsonNode? input) =>
        JsonLimits.IsTooDeep(input) ? new ErrorInfo(ErrorTypes.Validation, JsonLimits.TooDeepMessage("the input"), null, Retryable: false) : null;

    public static ExpressionScope CreateRootScope(WorkflowDefinition workflow, JsonNode? input, RunRecord run, Func<string, string?> readSecret, string? step)
    {
        var secrets = new JsonObject();
        foreach (var name in workflow.Secrets)
        {
            secrets[name] = readSecret(name)
                ?? throw new WorkflowFailureException(new ErrorInfo(ErrorTypes.Configuration, $"secret '{name}' is not set (set the environment variable {name})", null, Retryable: false), step);
        }

        var scope = new ExpressionScope();
        scope.Set("input", input?.DeepClone());
        scope.Set("secrets", secrets);
        scope.Set("run", new JsonObject
        {
            ["id"] = run.Id,
            ["workflow"] = workflow.Name,
            ["version"] = workflow.Version,
            ["attempt"] = 1,
            ["startedAt"] = run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
        });
        // Every step name exists from the start (null until the step runs), so an expression may refer to a
        // step on a branch not taken; only names that are not steps at all are errors.
        var steps = scope.CreateChild();
        foreach (var task in workflow.AllTasks())
        {
            steps.Set(task.Name, null);
        }

        return steps;
    }
}
