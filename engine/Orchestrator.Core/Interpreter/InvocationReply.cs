using Orchestrator.Contracts;

namespace Orchestrator.Core.Interpreter;

/// <summary>The reply to one <see cref="InvokeFunction"/>: exactly one of the two is set.</summary>
public sealed record InvocationReply(FunctionCompleted? Completed, FunctionFailed? Failed);
