using System.Runtime.InteropServices;

namespace Orchestrator.Workers.Instances;

/// <summary>The few POSIX calls .NET does not expose: signalling a process group, and asking a pipe how much it holds.</summary>
internal static partial class NativeMethods
{
    public const int SigKill = 9;
    public const short PollIn = 0x1;

    // FIONREAD differs between Linux and the BSDs (macOS).
    public static readonly nuint FionRead = OperatingSystem.IsLinux() ? (nuint)0x541B : 0x4004667F;

    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>SIGKILLs every process in group <paramref name="groupId"/>; false when the group is already gone.</summary>
    public static bool KillGroup(int groupId) => groupId > 1 && Kill(-groupId, SigKill) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlInt(int fd, nuint request, out int value);
}
