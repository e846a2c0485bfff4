using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orchestrator.Workers.Manifests;

/// <summary>
/// Turns YamlDotNet's syntax errors into one diagnostic at the mistake's cause. Two mistakes are reported far from
/// it (or, by the scanner, as an InvalidOperationException without a position): an unclosed '[' or '{', pointed at
/// the bracket, and a tab in indentation, pointed at the tab. (Core does the same for workflows, internally.)
/// </summary>
internal static class YamlErrors
{
    public static Diagnostic Describe(Exception exception, string yaml, string file)
    {
        if (UnclosedFlow(yaml) is { } open)
        {
            return new Diagnostic(At(file, open), $"invalid YAML: this '{yaml[(int)open.Index]}' is never closed");
        }

        if (exception.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabIndent(yaml, file) is { } tab)
        {
            return new Diagnostic(tab, "invalid YAML: a tab is used for indentation; indent with spaces");
        }

        return exception is YamlException error
            ? new Diagnostic(At(file, error.Start), "invalid YAML: " + CleanYamlMessage(error))
            : new Diagnostic(new SourceLocation(file, 1, 1), "invalid YAML: the file cannot be read as YAML");
    }

    private static SourceLocation At(string file, Mark mark) => new(file, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));

    /// <summary>Where the innermost flow collection still open when the YAML stops parsing began, if any.</summary>
    private static Mark? UnclosedFlow(string yaml)
    {
        var open = new Stack<Mark>();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case SequenceStart { Style: SequenceStyle.Flow } sequence:
                        open.Push(sequence.Start);
                        break;
                    case MappingStart { Style: MappingStyle.Flow } mapping:
                        open.Push(mapping.Start);
                        break;
                    case SequenceEnd or MappingEnd when open.Count > 0 && parser.Current.Start.Index > open.Peek().Index:
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            return open.Count > 0 && (ex is InvalidOperationException || ex.Message.Contains("flow", StringComparison.OrdinalIgnoreCase)) ? open.Peek() : null;
        }

        return null;
    }

    private static SourceLocation? TabIndent(string yaml, string file)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0)
            {
                return new SourceLocation(file, i + 1, tab + 1);
            }
        }

        return null;
    }

    private static string CleanYamlMessage(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the diagnostic already says where.
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        message = (cut >= 0 ? message[(cut + 3)..] : message).Trim();
        return message.StartsWith("Duplicate key ", StringComparison.Ordinal)
            ? $"duplicate key '{message["Duplicate key ".Length..]}'"
            : message;
    }
}
