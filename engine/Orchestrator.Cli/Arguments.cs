namespace Orchestrator.Cli;

/// <summary>A small command-line reader: positional words and <c>--name value</c> / <c>--name=value</c> options.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        using var reader = args.GetEnumerator();
        while (reader.MoveNext())
        {
            var arg = reader.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                Positionals.Add(arg);
                continue;
            }

            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            if (flagOptions.Contains(name))
            {
                _flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                // "--store --quiet" is a forgotten value, not a store named "--quiet" (write --name=--x for that).
                var value = inline ?? (reader.MoveNext() && !reader.Current.StartsWith("--", StringComparison.Ordinal)
                    ? reader.Current
                    : throw new UsageException($"option --{name} needs a value"));
                if (!_options.TryGetValue(name, out var values))
                {
                    _options[name] = values = [];
                }

                values.Add(value);
            }
            else
            {
                throw new UsageException($"unknown option --{name}");
            }
        }
    }

    public List<string> Positionals { get; } = [];

    public string? Option(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string> Options(string name) => _options.TryGetValue(name, out var values) ? values : [];

    public bool Flag(string name) => _flags.Contains(name);
}
