using Scriban;
using Scriban.Runtime;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// Makes the Scriban contexts workflows evaluate in. Scripts see only JSON-shaped values and Scriban's
/// built-in functions: no .NET member access, no includes, and limits on loops, recursion, nesting, text size and time.
/// Breaking a limit fails the evaluation (never truncates its result).
/// </summary>
internal static class ScribanSandbox
{
    /// <summary>Longest an expression may run.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    /// <summary>Longest rendered text.</summary>
    public const int OutputLimit = 4_000_000;

    /// <summary>Longest text one value converts to.</summary>
    public const int StringLimit = 1_000_000;

    /// <summary>The message for an evaluation stopped at <see cref="TimeLimit"/>.</summary>
    public static string TimeLimitMessage => $"the expression ran longer than {TimeLimit.TotalSeconds:0.###}s (the sandbox limit)";

    private static readonly ScriptObject SharedBuiltins = new TemplateContext().BuiltinObject;

    public static TemplateContext CreateContext(ExpressionScope scope, CancellationToken cancellationToken)
    {
        var context = new TemplateContext(SharedBuiltins)
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = true,
            MemberFilter = static _ => false,

            // Scriban counts iterations across a loop and every loop (or array function) nested in it.
            LoopLimit = 10_000,
            RecursiveLimit = 64,

            // Scriban applies this when rendering to text; JsonScriban applies the same limit to typed values.
            // One more than the deepest value, so that every value an expression may hold also renders as text.
            ObjectRecursionLimit = Orchestrator.Contracts.JsonLimits.MaxDepth + 1,
            LimitToString = StringLimit,
            OnStringLimit = ScriptLimitBehavior.Throw,
            OutputLimit = OutputLimit,
            OnOutputLimit = ScriptLimitBehavior.Throw,

            // Scriban's default is 10s; one regex call may not outlast the whole evaluation's limit.
            RegexTimeOut = TimeLimit,
            TemplateLoader = null,
            CancellationToken = cancellationToken,
        };
        scope.PushInto(context);

        // Assignments inside a script land here, never in the run's scope.
        context.PushGlobal(new ScriptObject());
        return context;
    }
}
