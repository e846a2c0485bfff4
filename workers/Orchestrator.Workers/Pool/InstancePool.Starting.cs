using System.Diagnostics;
using Orchestrator.Contracts;
using Orchestrator.Workers.Instances;

namespace Orchestrator.Workers.Pool;

/// <summary>Cold starts (from a stem cell when there is one) and the <c>scale.min</c> instances kept in the background.</summary>
internal sealed partial class InstancePool
{
    private async Task<(AdapterInstance Instance, double InitMs, IReadOnlyList<string> Logs)> StartInstanceAsync(CancellationToken cancellationToken)
    {
        AdapterInstance? instance = null;
        try
        {
            var env = Environment();
            var started = Stopwatch.GetTimestamp();
            instance = _stemCells?.TryTake();
            if (instance is not null)
            {
                // A stem cell pays only for init: its spawn happened while nobody waited.
                instance.Root = _manifest.Directory;
                started = Stopwatch.GetTimestamp();
            }
            else
            {
                instance = await _launcher.StartAsync(new InstanceSpec(_manifest.Runtime, _manifest.MemoryBytes, _manifest.Directory), cancellationToken).ConfigureAwait(false);
            }

            // Loading the code is bounded by the function's timeout, as a budget of its own: the invocation's begins
            // once the instance has it.
            var initStarted = _options.Time.GetTimestamp();
            using var initLimit = new CancellationTokenSource(_manifest.Timeout, _options.Time);
            using var initToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, initLimit.Token);
            (ErrorInfo? Error, IReadOnlyList<string> Logs) init;
            try
            {
                init = await instance.InitAsync(_manifest.Name, _manifest.Handler, env, initToken.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (initLimit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var waited = _options.Time.GetElapsedTime(initStarted);
                throw new InstanceStartException(new ErrorInfo(
                    ErrorTypes.Timeout,
                    $"function '{_manifest.Name}' did not finish loading its code (init) within its timeout ({Shown(_manifest.Timeout)}); instance {instance.Id} was killed after {waited.TotalMilliseconds:0} ms",
                    null,
                    Retryable: true));
            }

            var (error, logs) = init;
            if (error is not null)
            {
                throw new InstanceStartException(error, logs);
            }

            var initMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(InstancePool), "the worker is shutting down");
                }

                _live.Add(instance);
            }

            _ = instance.Exit.ContinueWith(_ => OnExited(instance), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return (instance, initMs, logs);
        }
        catch
        {
            if (instance is not null)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }

            ReleaseSlot();
            throw;
        }
    }

    private static string Shown(TimeSpan limit) =>
        limit.TotalSeconds >= 1 ? $"{limit.TotalSeconds:0.###}s" : $"{limit.TotalMilliseconds:0}ms";

    /// <summary>The init message's env: the manifest's env plus its secrets, read from the host now.</summary>
    private Dictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>(_manifest.Env, StringComparer.Ordinal);
        foreach (var name in _manifest.Secrets)
        {
            env[name] = _options.SecretSource(name) ?? throw new InstanceStartException(new ErrorInfo(
                ErrorTypes.Configuration, $"function '{_manifest.Name}' needs secret '{name}', which is not set in the worker's environment", null, Retryable: false));
        }

        return env;
    }

    /// <summary>Keeps <c>scale.min</c> instances: starts the missing ones in the background.</summary>
    private void EnsureMinimum()
    {
        lock (_gate)
        {
            for (var missing = _manifest.Scale.Min - _slots; missing > 0 && !_disposed; missing--)
            {
                _slots++;
                Track(StartMinimumAsync());
            }
        }
    }

    private async Task StartMinimumAsync()
    {
        await Task.Yield();
        try
        {
            var (instance, _, _) = await StartInstanceAsync(_stopping.Token).ConfigureAwait(false);
            Park(instance);
        }
        catch (Exception ex) when (ex is InstanceStartException or OperationCanceledException or ObjectDisposedException)
        {
            // The slot is released; the next invocation starts an instance itself and reports what goes wrong.
        }
    }

    /// <summary>Under the lock: remembers background work so that disposal waits for it.</summary>
    private void Track(Task task)
    {
        _background.RemoveAll(done => done.IsCompleted);
        _background.Add(task);
    }
}
