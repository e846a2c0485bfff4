namespace Orchestrator.Engine.Services;

/// <summary>Something a folder's services or functions need: a command on PATH, a file, or a Python module.</summary>
/// <param name="Kind"><c>command</c>, <c>path</c> or <c>python-module</c> (checked with <c>/usr/bin/python3</c>).</param>
/// <param name="Value">The command, path or module name.</param>
/// <param name="AptPackage">The Debian package that provides it.</param>
public sealed record ServiceRequirement(string Kind, string Value, string AptPackage);
