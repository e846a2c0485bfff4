namespace Orchestrator.Core.Definitions;

/// <summary>The loaded workflows, found by name and version (sub-workflows, triggers, the CLI).</summary>
public sealed class WorkflowCatalog
{
    private readonly Dictionary<string, List<WorkflowDefinition>> _byName = new(StringComparer.Ordinal);

    /// <summary>Every loaded workflow.</summary>
    public IEnumerable<WorkflowDefinition> All => _byName.Values.SelectMany(list => list);

    /// <summary>Adds a workflow; the same name and version twice is refused.</summary>
    /// <returns>False when that name and version was already loaded.</returns>
    public bool TryAdd(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        if (!_byName.TryGetValue(workflow.Name, out var versions))
        {
            _byName[workflow.Name] = versions = [];
        }

        if (versions.Any(v => v.Version == workflow.Version))
        {
            return false;
        }

        versions.Add(workflow);
        versions.Sort((a, b) => CompareVersions(b.Version, a.Version));
        return true;
    }

    /// <summary>Finds a workflow; with no version, the highest one.</summary>
    public WorkflowDefinition? Find(string name, string? version) =>
        _byName.TryGetValue(name, out var versions)
            ? version is null ? versions[0] : versions.FirstOrDefault(v => v.Version == version)
            : null;

    private static int CompareVersions(string a, string b)
    {
        static Version Core(string v) => Version.TryParse(v.Split('-', '+')[0], out var parsed) ? parsed : new Version(0, 0);
        var byCore = Core(a).CompareTo(Core(b));
        return byCore != 0 ? byCore : string.CompareOrdinal(a, b);
    }
}
