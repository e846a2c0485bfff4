namespace Orchestrator.Engine.Services;

/// <summary>A local process started beside a run (e.g. an SMTP sink), ready when its TCP port accepts connections.</summary>
/// <param name="Name">Shown in progress lines.</param>
/// <param name="Command">The program and its arguments; run in the folder of <c>services.yaml</c>.</param>
/// <param name="ReadyTcp">host:port that accepts connections once the service is ready; null means ready at once.</param>
/// <param name="ReadyTimeout">How long to wait for readiness. Default 15s.</param>
public sealed record LocalService(string Name, IReadOnlyList<string> Command, string? ReadyTcp, TimeSpan ReadyTimeout);
