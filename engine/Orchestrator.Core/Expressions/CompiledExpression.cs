using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// One Scriban expression or text template, parsed once when the workflow loads.
/// A whole-string <c>"{{ expr }}"</c> is evaluated as a script and keeps its type; anything else renders to text.
/// </summary>
public sealed class CompiledExpression
{
    private static readonly LexerOptions ScriptOnly = new() { Mode = ScriptMode.ScriptOnly };

    private readonly Template _template;
    private readonly bool _typed;
    private readonly PathExpression? _path;

    private CompiledExpression(string text, Template template, bool typed)
    {
        Text = text;
        _template = template;
        _typed = typed;
        _path = typed ? PathExpression.TryParse(text[2..^2]) : null;
    }

    /// <summary>The source text, as written in the workflow.</summary>
    public string Text { get; }

    /// <summary>True when <paramref name="text"/> is a single <c>{{ … }}</c> covering the whole string.</summary>
    public static bool IsWholeExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith("{{", StringComparison.Ordinal)
            && text.EndsWith("}}", StringComparison.Ordinal)
            && text.Length >= 4
            && text.IndexOf("{{", 2, StringComparison.Ordinal) < 0
            && text.IndexOf("}}", StringComparison.Ordinal) == text.Length - 2;
    }

    /// <summary>True when the text contains any <c>{{ … }}</c>.</summary>
    public static bool HasExpression(string text) => text?.Contains("{{", StringComparison.Ordinal) == true;

    /// <summary>Parses a whole-string expression (typed) or a mixed text template.</summary>
    /// <returns>The expression, or null with <paramref name="error"/> set to Scriban's message.</returns>
    public static CompiledExpression? TryParse(string text, out string? error) => TryParse(text, textOnly: false, out error);

    /// <summary>Parses a template file's text: it always renders to a string.</summary>
    public static CompiledExpression? TryParseTemplate(string text, out string? error) => TryParse(text, textOnly: true, out error);

    private static CompiledExpression? TryParse(string text, bool textOnly, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Unbalanced(text) is { } problem)
        {
            error = problem;
            return null;
        }

        var typed = !textOnly && IsWholeExpression(text);
        if (typed && string.IsNullOrWhiteSpace(text[2..^2]))
        {
            error = "empty expression '{{ }}'";
            return null;
        }

        var template = typed
            ? Template.Parse(text[2..^2], lexerOptions: ScriptOnly)
            : Template.Parse(text);
        if (template.HasErrors)
        {
            var first = template.Messages.First(m => m.Type == ParserMessageType.Error);
            error = first.Message;
            return null;
        }

        error = null;
        return new CompiledExpression(text, template, typed);
    }

    /// <summary>Scriban renders a stray <c>{{</c> as text; in a workflow it is always a mistake.</summary>
    private static string? Unbalanced(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (text[i] == '{' && text[i + 1] == '{')
            {
                if (++depth > 1)
                {
                    return "'{{' inside another '{{' (missing '}}'?)";
                }

                i++;
            }
            else if (text[i] == '}' && text[i + 1] == '}' && depth > 0)
            {
                depth--;
                i++;
            }
        }

        return depth > 0 ? "'{{' is never closed with '}}'" : null;
    }

    /// <summary>Parses a bare condition such as an <c>if:</c> value; braces are optional there.</summary>
    public static CompiledExpression? TryParseCondition(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        return TryParse(IsWholeExpression(trimmed) ? trimmed : "{{ " + trimmed + " }}", out error);
    }

    /// <summary>Evaluates to JSON: the script's value when typed, else the rendered text.</summary>
    public JsonNode? Evaluate(ExpressionScope scope, CancellationToken cancellationToken) =>
        _path is not null && _path.TryEvaluate(scope, Text, out var value)
            ? value?.DeepClone()
            : JsonScriban.FromScriban(EvaluateRaw(scope, cancellationToken), Text);

    /// <summary>Evaluates to a truth value with Scriban's rules (null and false are false).</summary>
    public bool EvaluateCondition(ExpressionScope scope, CancellationToken cancellationToken)
    {
        if (_path is not null && _path.TryEvaluate(scope, Text, out var node))
        {
            return node switch
            {
                null => false,
                JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => v.GetValue<bool>(),
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } text && !string.Equals(text, "false", StringComparison.OrdinalIgnoreCase),
                _ => true,
            };
        }

        var value = EvaluateRaw(scope, cancellationToken);
        return value switch
        {
            null => false,
            bool b => b,
            string s => s.Length > 0 && !string.Equals(s, "false", StringComparison.OrdinalIgnoreCase),
            _ => true,
        };
    }

    private object? EvaluateRaw(ExpressionScope scope, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ScribanSandbox.TimeLimit);
        var context = ScribanSandbox.CreateContext(scope, limit.Token);
        try
        {
            return _typed ? _template.Evaluate(context) : _template.Render(context);
        }
        catch (Exception ex) when (IsCancellation(ex) && cancellationToken.IsCancellationRequested)
        {
            // The run or step was cancelled (run cancel, step timeout, suspension): not the expression's fault.
            throw new OperationCanceledException("the evaluation was cancelled", ex, cancellationToken);
        }
        catch (Exception ex) when ((IsCancellation(ex) && limit.IsCancellationRequested) || IsRegexTimeout(ex))
        {
            throw new ExpressionException(Text, ScribanSandbox.TimeLimitMessage, ex);
        }
        catch (ScriptRuntimeException ex)
        {
            throw new ExpressionException(Text, ex.OriginalMessage ?? ex.Message, ex);
        }
    }

    /// <summary>Scriban reports a cancelled token as a <see cref="ScriptAbortException"/>; .NET code as an <see cref="OperationCanceledException"/>.</summary>
    private static bool IsCancellation(Exception ex) => ex is ScriptAbortException or OperationCanceledException;

    /// <summary>A regex function ran past <see cref="TemplateContext.RegexTimeOut"/> (Scriban wraps the .NET exception).</summary>
    private static bool IsRegexTimeout(Exception ex) =>
        ex is RegexMatchTimeoutException || ex.InnerException is RegexMatchTimeoutException;
}
