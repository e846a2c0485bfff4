namespace Orchestrator.Core.Parsing;

/// <summary>The DSL's task keywords and the fields each kind of task accepts.</summary>
internal static class TaskKeywords
{
    /// <summary>Fields every task accepts.</summary>
    public static readonly string[] Common = ["if", "timeout", "retry", "then"];

    /// <summary>Keywords that decide a task's kind, in the order they are recognised.</summary>
    public static readonly string[] Kinds = ["call", "set", "switch", "fork", "for", "try", "wait", "raise", "run", "output", "emit", "listen", "do"];

    /// <summary>Names a step may not take: they are in scope in every expression.</summary>
    public static readonly string[] Reserved =
        ["input", "secrets", "run", "error", "item", "index", "string", "array", "math", "date", "object", "html", "regex", "timespan", "empty", "null", "true", "false"];

    /// <summary>
    /// Names a step or variable may not take: Scriban keywords (an expression could not name them) and the flow
    /// directives of <c>then</c> (which would shadow them).
    /// </summary>
    public static readonly string[] Keywords =
    [
        "if", "else", "end", "for", "in", "while", "break", "continue", "func", "ret", "capture", "readonly", "import",
        "with", "wrap", "include", "case", "when", "tablerow", "this", "do", "exit",
    ];

    /// <summary>Why <paramref name="name"/> cannot name a step or variable, or null when it can.</summary>
    public static string? Refusal(string name) =>
        Reserved.Contains(name, StringComparer.Ordinal) ? "it is already in scope in expressions"
        : Keywords.Contains(name, StringComparer.Ordinal) ? "a Scriban keyword or a 'then' directive: expressions could not name it"
        : null;

    public static string[] FieldsOf(string kind) => kind switch
    {
        "call" => [.. Common, "call", "with"],
        "for" => [.. Common, "for", "do"],
        "try" => [.. Common, "try", "catch"],
        _ => [.. Common, kind],
    };
}
