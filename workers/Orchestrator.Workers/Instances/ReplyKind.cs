namespace Orchestrator.Workers.Instances;

/// <summary>How an invocation sent to an instance ended, which decides whether the instance is kept.</summary>
internal enum ReplyKind
{
    /// <summary>A <c>result</c> line: the instance is healthy.</summary>
    Result,

    /// <summary>An <c>error</c> line for the invocation: the handler failed, the instance normally lives on.</summary>
    Error,

    /// <summary>The process died before it replied.</summary>
    Crashed,

    /// <summary>The instance wrote something protocol v1 does not allow; it was killed.</summary>
    ProtocolError,

    /// <summary>The deadline passed or the caller cancelled; the instance was killed.</summary>
    Aborted,
}
