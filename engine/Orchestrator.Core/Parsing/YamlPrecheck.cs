using Orchestrator.Core.Definitions;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orchestrator.Core.Parsing;

/// <summary>
/// Reads the YAML event stream once before the document is built, to report what the document model reports
/// badly or not at all: an unclosed <c>[</c> or <c>{</c> (at the bracket that opened it), tab indentation (at the
/// tab), and anchors/aliases, which workflows do not support (a self-referencing alias would never end).
/// </summary>
internal static class YamlPrecheck
{
    public static Diagnostic? Check(string yaml, string file)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        return At(file, alias.Start, $"YAML aliases (*{alias.Value}) are not supported in workflows; repeat the value instead");
                    case NodeEvent { Anchor.IsEmpty: false } anchored:
                        return At(file, anchored.Start, $"YAML anchors (&{anchored.Anchor}) are not supported in workflows; repeat the value instead");
                }
            }
        }
        catch (YamlException ex) when (YamlSyntax.FindTabIndent(yaml) is { } tab && ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            return new Diagnostic(new SourceLocation(file, tab.Line, tab.Column), "invalid YAML: a tab is used for indentation; indent with spaces");
        }
        catch (Exception ex) when ((ex is YamlException or InvalidOperationException) && YamlSyntax.FindUnclosedFlow(yaml) is { } open)
        {
            var bracket = yaml[(int)open.Index];
            return At(file, open, $"invalid YAML: this '{bracket}' is never closed (expected '{(bracket == '[' ? ']' : '}')}')");
        }
        catch (YamlException)
        {
            // Other syntax errors are positioned well by the document loader; it reports them.
            return null;
        }
        catch (InvalidOperationException)
        {
            return At(file, parser.Current?.Start ?? Mark.Empty, "invalid YAML: the text after this point cannot be read");
        }

        return null;
    }

    private static Diagnostic At(string file, Mark mark, string message) =>
        new(new SourceLocation(file, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column)), message);
}
