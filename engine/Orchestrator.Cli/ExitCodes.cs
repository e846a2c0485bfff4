namespace Orchestrator.Cli;

/// <summary>The CLI's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A run failed, or validation found problems.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage, or the workflow to run is invalid.</summary>
    public const int Usage = 2;
}
