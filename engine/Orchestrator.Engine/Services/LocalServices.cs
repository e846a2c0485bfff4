using System.Diagnostics;
using System.Net.Sockets;

namespace Orchestrator.Engine.Services;

/// <summary>
/// The running processes of a <see cref="ServicesFile"/>: started before a run, ready when their TCP port answers,
/// stopped (SIGTERM, then SIGKILL of the whole tree) when disposed. Their stderr is forwarded, prefixed by name.
/// </summary>
public sealed class LocalServices : IAsyncDisposable
{
    private readonly List<(LocalService Service, Process Process)> _running = [];
    private readonly TextWriter _log;

    private LocalServices(TextWriter log)
    {
        _log = log;
    }

    /// <summary>Starts every service and waits until each is ready.</summary>
    public static async Task<LocalServices> StartAsync(ServicesFile file, string workingFolder, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var services = new LocalServices(log);
        try
        {
            foreach (var service in file.Services)
            {
                await services.StartOneAsync(service, file.Folder, workingFolder, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return services;
    }

    private async Task StartOneAsync(LocalService service, string folder, string workingFolder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(service.Command[0]) { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var argument in service.Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ORCHESTRATOR_WORKDIR"] = workingFolder;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"service '{service.Name}' did not start");
        _running.Add((service, process));
        process.ErrorDataReceived += (_, e) => Forward(service, e.Data);
        process.OutputDataReceived += (_, e) => Forward(service, e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        if (service.ReadyTcp is not { } endpoint)
        {
            return;
        }

        var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var deadline = Stopwatch.GetTimestamp() + (long)(service.ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"service '{service.Name}' exited with code {process.ExitCode} before it was ready");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"service '{service.Name}' was not listening on {endpoint} after {service.ReadyTimeout.TotalSeconds:0}s", ex);
            }
        }
    }

    private void Forward(LocalService service, string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine($"  [{service.Name}] {line}");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in _running)
        {
            if (!process.HasExited)
            {
                // Ask politely first, so the service can flush what it holds.
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                term?.WaitForExit();
            }
        }

        foreach (var (_, process) in _running)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _running.Clear();
    }
}
