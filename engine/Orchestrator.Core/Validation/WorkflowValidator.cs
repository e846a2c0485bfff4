using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Validation;

/// <summary>
/// Checks what one file cannot tell on its own: that called functions exist, that sub-workflows exist,
/// that sub-workflows do not call each other in a cycle, and that no <c>listen</c> waits on a queue that triggers runs.
/// </summary>
public static class WorkflowValidator
{
    /// <summary>Validates <paramref name="workflow"/> against the loaded workflows and known function names.</summary>
    public static IReadOnlyList<Diagnostic> Validate(WorkflowDefinition workflow, WorkflowCatalog catalog, IReadOnlyCollection<string> functions)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(functions);
        var diagnostics = new List<Diagnostic>();
        foreach (var task in workflow.AllTasks())
        {
            switch (task)
            {
                case CallTask call when !functions.Contains(call.Function):
                    diagnostics.Add(new Diagnostic(call.FunctionLocation, $"unknown function '{call.Function}' ({KnownList(functions)})"));
                    break;
                case RunTask run when catalog.Find(run.Workflow, run.Version) is null:
                    var which = run.Version is null ? $"'{run.Workflow}'" : $"'{run.Workflow}' version {run.Version}";
                    diagnostics.Add(new Diagnostic(run.WorkflowLocation, $"unknown workflow {which} ({KnownList(catalog.All.Select(w => $"{w.Name}@{w.Version}").ToList())})"));
                    break;
                case ListenTask listen when TriggeredBy(listen.Channel, workflow, catalog) is { Count: > 0 } triggered:
                    diagnostics.Add(new Diagnostic(
                        listen.ChannelLocation,
                        $"listen channel '{listen.Channel}' is also a queue trigger of {string.Join(", ", triggered)}: a message there would both start a run and be awaited; listen on a queue that no workflow's 'on' names"));
                    break;
            }
        }

        if (FindCycle(workflow, catalog) is { } cycle)
        {
            diagnostics.Add(new Diagnostic(cycle.Location, $"sub-workflow cycle: {cycle.Path}"));
        }

        return diagnostics;
    }

    /// <summary>The workflows (<c>name@version</c>) whose <c>on: - queue:</c> names <paramref name="channel"/>.</summary>
    private static List<string> TriggeredBy(string channel, WorkflowDefinition workflow, WorkflowCatalog catalog) =>
        [.. catalog.All.Append(workflow).Distinct()
            .Where(w => w.Triggers.Any(t => t.Kind == "queue" && string.Equals(t.Target, channel, StringComparison.Ordinal)))
            .Select(w => $"{w.Name}@{w.Version}")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static string KnownList(IReadOnlyCollection<string> names) =>
        names.Count == 0 ? "none are registered" : "known: " + string.Join(", ", names.Order(StringComparer.Ordinal));

    /// <summary>Reports a cycle at the <c>run</c> step of <paramref name="start"/> that leads into it.</summary>
    private static (SourceLocation Location, string Path)? FindCycle(WorkflowDefinition start, WorkflowCatalog catalog)
    {
        foreach (var run in start.AllTasks().OfType<RunTask>())
        {
            if (catalog.Find(run.Workflow, run.Version) is { } child && CycleFrom(child, [start], catalog) is { } path)
            {
                return (run.WorkflowLocation, path);
            }
        }

        return null;
    }

    private static string? CycleFrom(WorkflowDefinition workflow, List<WorkflowDefinition> path, WorkflowCatalog catalog)
    {
        if (path.Contains(workflow))
        {
            // Only a cycle through the workflow being validated is its problem; the members report others.
            if (workflow != path[0])
            {
                return null;
            }

            return string.Join(" -> ", path.SkipWhile(w => w != workflow).Append(workflow).Select(w => $"{w.Name}@{w.Version}"));
        }

        path.Add(workflow);
        foreach (var run in workflow.AllTasks().OfType<RunTask>())
        {
            if (catalog.Find(run.Workflow, run.Version) is { } child && CycleFrom(child, path, catalog) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        return null;
    }
}
