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

    public static string[] FieldsOf(string kind) => kind switch
    {
        "call" => [.. Common, "call", "with"],
        "for" => [.. Common, "for", "do"],
        "try" => [.. Common, "try", "catch"],
        _ => [.. Common, kind],
    };
}
