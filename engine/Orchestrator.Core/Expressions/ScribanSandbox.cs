using Scriban;
using Scriban.Runtime;

namespace Orchestrator.Core.Expressions;

/// <summary>
/// Makes the Scriban contexts workflows evaluate in. Scripts see only JSON-shaped values and Scriban's
/// built-in functions: no .NET member access, no includes, and limits on loops, recursion, output size and time.
/// </summary>
internal static class ScribanSandbox
{
    /// <summary>Longest an expression may run.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    private static readonly ScriptObject SharedBuiltins = new TemplateContext().BuiltinObject;

    public static TemplateContext CreateContext(ExpressionScope scope, CancellationToken cancellationToken)
    {
        var context = new TemplateContext(SharedBuiltins)
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = true,
            MemberFilter = static _ => false,
            LoopLimit = 10_000,
            RecursiveLimit = 64,
            ObjectRecursionLimit = 32,
            LimitToString = 1_000_000,
            OutputLimit = 4_000_000,
            TemplateLoader = null,
            CancellationToken = cancellationToken,
        };
        scope.PushInto(context);

        // Assignments inside a script land here, never in the run's scope.
        context.PushGlobal(new ScriptObject());
        return context;
    }
}
