namespace Orchestrator.Cli;

/// <summary>The command line was wrong: printed with a hint, exit code 2, no stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
