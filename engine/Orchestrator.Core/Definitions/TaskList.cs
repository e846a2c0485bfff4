namespace Orchestrator.Core.Definitions;

/// <summary>An ordered list of named tasks (a <c>do:</c> block); flow directives jump within it.</summary>
public sealed class TaskList(IReadOnlyList<TaskDefinition> tasks)
{
    private readonly Dictionary<string, int> _indexByName = tasks
        .Select((task, index) => (task.Name, index))
        .GroupBy(pair => pair.Name, StringComparer.Ordinal)
        .ToDictionary(group => group.Key, group => group.First().index, StringComparer.Ordinal);

    /// <summary>An empty list.</summary>
    public static TaskList Empty { get; } = new([]);

    /// <summary>The tasks in order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; } = tasks;

    /// <summary>The position of a task by name, or -1.</summary>
    public int IndexOf(string name) => _indexByName.GetValueOrDefault(name, -1);

    /// <summary>All tasks in this list and every nested list, depth first.</summary>
    public IEnumerable<TaskDefinition> Descendants()
    {
        foreach (var task in Tasks)
        {
            yield return task;
            foreach (var child in task.Children().SelectMany(list => list.Descendants()))
            {
                yield return child;
            }
        }
    }
}
