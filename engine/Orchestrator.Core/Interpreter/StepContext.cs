using Orchestrator.Core.Definitions;
using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Interpreter;

/// <summary>One attempt of one step: what it is, what it sees, where it is.</summary>
internal sealed record StepContext(TaskDefinition Task, ExpressionScope Scope, string Path, int Attempt);
