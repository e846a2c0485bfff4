using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orchestrator.Core.Parsing;

/// <summary>
/// Finds the cause of YAML syntax errors that YamlDotNet reports far from it (or, from its scanner, as an
/// <see cref="InvalidOperationException"/> without a position): an unclosed <c>[</c> or <c>{</c>, and a tab used
/// for indentation. Shared by workflow and function-manifest parsing.
/// </summary>
public static partial class YamlSyntax
{
    /// <summary>Where the innermost flow collection still open when the text stops parsing began; null when none is.</summary>
    public static Mark? FindUnclosedFlow(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
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

    /// <summary>The 1-based line and column of the first tab in a line's indentation, if any.</summary>
    public static (int Line, int Column)? FindTabIndent(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var tab = LeadingWhitespace().Match(lines[i]).Value.IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary>YamlDotNet's message without its "(Line: 3, Col: 5, Idx: 20) - (…): " prefix; a diagnostic already says where.</summary>
    public static string CleanMessage(YamlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.InnerException is YamlException inner ? inner.Message : exception.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        message = (cut >= 0 ? message[(cut + 3)..] : message).Trim();
        return message.StartsWith("Duplicate key ", StringComparison.Ordinal)
            ? $"duplicate key '{message["Duplicate key ".Length..]}'"
            : message;
    }

    [GeneratedRegex(@"^[ \t]*", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingWhitespace();
}
