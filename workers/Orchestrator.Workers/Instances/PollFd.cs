using System.Runtime.InteropServices;

namespace Orchestrator.Workers.Instances;

/// <summary>POSIX <c>struct pollfd</c>, for <see cref="NativeMethods.Poll"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short REvents;
}
