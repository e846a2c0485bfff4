namespace Orchestrator.Core.Definitions;

/// <summary>How retry delays grow.</summary>
public enum BackoffKind
{
    /// <summary>The same delay every time.</summary>
    Constant,

    /// <summary>delay × attempt.</summary>
    Linear,

    /// <summary>delay × 2^(attempt-1).</summary>
    Exponential,
}
