using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;
using YamlDotNet.Core;

namespace Orchestrator.Workers.Manifests;

/// <summary>
/// Turns YamlDotNet's syntax errors in a manifest into one diagnostic at the mistake's cause, using Core's
/// <see cref="YamlSyntax"/> to find an unclosed bracket or a tab in indentation.
/// </summary>
internal static class YamlErrors
{
    public static Diagnostic Describe(Exception exception, string yaml, string file)
    {
        if (YamlSyntax.FindUnclosedFlow(yaml) is { } open)
        {
            return new Diagnostic(At(file, open), $"invalid YAML: this '{yaml[(int)open.Index]}' is never closed");
        }

        if (exception.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && YamlSyntax.FindTabIndent(yaml) is { } tab)
        {
            return new Diagnostic(new SourceLocation(file, tab.Line, tab.Column), "invalid YAML: a tab is used for indentation; indent with spaces");
        }

        return exception is YamlException error
            ? new Diagnostic(At(file, error.Start), "invalid YAML: " + YamlSyntax.CleanMessage(error))
            : new Diagnostic(new SourceLocation(file, 1, 1), "invalid YAML: the file cannot be read as YAML");
    }

    private static SourceLocation At(string file, Mark mark) => new(file, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));
}
