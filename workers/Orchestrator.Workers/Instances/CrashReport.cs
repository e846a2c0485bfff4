using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Instances;

/// <summary>Describes an instance that died: exit code or signal, a memory-limit hint when it looks like one, the stderr tail.</summary>
internal static class CrashReport
{
    private static readonly string[] MemorySigns = ["out of memory", "MemoryError", "Cannot allocate memory", "Allowed memory size", "bad_alloc"];

    /// <param name="id">The instance.</param>
    /// <param name="code">Its exit code; 128 + n for signal n.</param>
    /// <param name="when">E.g. "while it ran the invocation".</param>
    /// <param name="tail">Its last stderr lines.</param>
    /// <param name="memoryBytes">Its memory limit.</param>
    /// <param name="killedByHost">Whether the worker sent a SIGKILL before it exited.</param>
    public static ErrorInfo Create(string id, int code, string when, IReadOnlyList<string> tail, long memoryBytes, bool killedByHost)
    {
        var how = code > 128 && code < 160 ? $"code {code} (signal {code - 128})" : $"code {code}";
        var message = $"instance {id} exited with {how} {when}";
        if (LooksOutOfMemory(code, killedByHost, tail))
        {
            message += $"; it probably exceeded its memory limit of {MemorySize.Format(memoryBytes)} (raise 'memory' in function.yaml)";
        }

        var last = tail.Skip(Math.Max(0, tail.Count - 5)).ToList();
        if (!MentionsMemory(last) && tail.LastOrDefault(line => MentionsMemory([line])) is { } headline)
        {
            // The interpreter's own words ("FATAL ERROR: … JavaScript heap out of memory") come before its native stack
            // trace: keep them in the message rather than five stack frames alone.
            last.Insert(0, headline);
        }

        if (last.Count > 0)
        {
            message += ". Last stderr lines:\n" + string.Join('\n', last);
        }

        return new ErrorInfo(RuntimeErrorTypes.Crashed, message, tail.Count == 0 ? null : string.Join('\n', tail), Retryable: true);
    }

    /// <summary>Whether an interpreter's own words say it ran out of memory.</summary>
    public static bool MentionsMemory(IEnumerable<string> lines) =>
        lines.Any(line => MemorySigns.Any(sign => line.Contains(sign, StringComparison.OrdinalIgnoreCase)));

    private static bool LooksOutOfMemory(int code, bool killedByHost, IReadOnlyList<string> tail) =>
        // A SIGKILL the worker did not send is the kernel's OOM killer (or a cgroup's). Otherwise trust the runtime's
        // own words: V8 aborts with "JavaScript heap out of memory", C code with bad_alloc or ENOMEM. An abort or a
        // segfault alone is not evidence enough.
        (code == 137 && !killedByHost) || MentionsMemory(tail);
}
