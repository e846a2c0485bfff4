using Orchestrator.Core.Definitions;
using Orchestrator.Core.Events;
using Orchestrator.Core.History;
using Orchestrator.Core.Interpreter;
using Orchestrator.Transport.RabbitMq.Connections;
using Orchestrator.Transport.RabbitMq.Engine;
using Orchestrator.Transport.RabbitMq.Events;
using Orchestrator.Transport.RabbitMq.Lifetime;
using Orchestrator.Transport.RabbitMq.Triggers;
using Orchestrator.Transport.RabbitMq.Workers;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;

namespace Orchestrator.Transport.RabbitMq;

/// <summary>Stopping (cleanly or as a crash) and the engine's runs across stops: leases, resumes, the drain.</summary>
public sealed partial class RabbitMqRuntime
{
    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        var deadline = _time.GetUtcNow() + Options.DrainTimeout;

        // No more runs taken over from other engines: this one is stopping (its own leases are still renewed).
        await _resumingStopping.CancelAsync().ConfigureAwait(false);
        if (_started)
        {
            _log.Write("runtime.stopping", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"drain={Options.DrainTimeout.TotalSeconds:0.###}s"));
        }

        // A run waiting for a message, a timer or a retry holds nothing in flight: it stops now and stays running in
        // the store, for the next engine to resume. Draining it would hold stopping up for as long as it waits;
        // cancelling it would end it.
        _engine?.SuspendWaitingRuns();

        // No new work: triggers stop (runs being started finish starting), listen channels stop (messages being
        // stored are stored and acknowledged).
        if (_triggers is not null)
        {
            await _triggers.StopConsumingAsync(deadline).ConfigureAwait(false);
        }

        if (_listens is not null)
        {
            await _listens.StopConsumingAsync(deadline).ConfigureAwait(false);
        }

        // Runs in flight finish, or are suspended (they still need the dispatcher and, in role all, the worker).
        if (_engine is not null)
        {
            await DrainRunsAsync(_engine, deadline).ConfigureAwait(false);
        }

        if (_triggers is not null)
        {
            await _triggers.DisposeAsync().ConfigureAwait(false);
        }

        if (_listens is not null)
        {
            await _listens.DisposeAsync().ConfigureAwait(false);
        }

        // Then the worker (its replies still need the engine's reply path), then the dispatcher.
        if (_worker is not null)
        {
            await _worker.DisposeAsync().ConfigureAwait(false);
        }

        if (_events is not null)
        {
            await _events.DisposeAsync().ConfigureAwait(false);
        }

        if (_dispatcher is not null)
        {
            await _dispatcher.DisposeAsync().ConfigureAwait(false);
        }

        if (_engine is not null)
        {
            await ReleaseLeasesAsync(_engine).ConfigureAwait(false);
        }

        foreach (var connection in _connections)
        {
            await Quietly.CloseAsync(connection, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        if (_ownsStore && _store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }

        _engine?.Dispose();
        _leasesStopping.Dispose();
        _resumingStopping.Dispose();
    }

    /// <summary>
    /// Drops every connection at once, as a crashed process would (tests: redelivery, competing consumers, runs taken
    /// over by another engine): no lease is renewed or released any more, nothing is drained.
    /// </summary>
    internal async Task KillAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        await _resumingStopping.CancelAsync().ConfigureAwait(false);
        await _leasesStopping.CancelAsync().ConfigureAwait(false);
        if (_worker is not null)
        {
            await _worker.KillAsync().ConfigureAwait(false);
        }

        foreach (var connection in _connections)
        {
            await Quietly.AbortAsync(connection).ConfigureAwait(false);
        }
    }

    private async Task ResumeExpiredRunsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var resumed = await _engine!.ResumeExpiredRunsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var run in resumed)
            {
                _resumed.Enter();
                _ = ObserveResumedAsync(run);
            }

            if (resumed.Count > 0)
            {
                _log.Write("engine.resumed", $"runs={resumed.Count}");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease loop of serve tries again; the engine serves meanwhile.
            _log.Write("engine.resume-failed", $"reason=\"{ex.Message}\"");
        }
    }

    private async Task ObserveResumedAsync(StartedRun run)
    {
        try
        {
            await run.Completion.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A resumed run that crashed is logged; the engine keeps serving.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Write("engine.run-crashed", $"run={run.RunId} reason=\"{ex.Message}\"");
        }
        finally
        {
            _resumed.Exit();
        }
    }

    private async Task KeepLeasesAsync(WorkflowEngine engine, bool resumeExpired, CancellationToken stopping)
    {
        // Runs whose lease expires later (their engine died after this one started) are taken up here on every beat,
        // rather than by the engine's own loop: so they are logged (engine.resumed), watched and drained like those
        // resumed at the start.
        var resuming = resumeExpired && _store is IRunLeases leases ? ResumeOnEveryBeatAsync(leases.LeaseDuration / 3, _resumingStopping.Token) : Task.CompletedTask;
        try
        {
            // Never throws for the store: a failed renewal is tried again on the next beat.
            await engine.KeepLeasesAsync(resumeExpired: false, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }

        await resuming.ConfigureAwait(false);
    }

    private async Task ResumeOnEveryBeatAsync(TimeSpan beat, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(beat, _time, stopping).ConfigureAwait(false);
                await ResumeExpiredRunsAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task DrainRunsAsync(WorkflowEngine engine, DateTimeOffset deadline)
    {
        var drained = _triggers is null || await _triggers.WaitRunsAsync(_time.Remaining(deadline)).ConfigureAwait(false);
        drained &= await _resumed.WaitIdleAsync(_time.Remaining(deadline), _time).ConfigureAwait(false);
        if (!drained)
        {
            _log.Write("engine.drain-timeout", $"running={(_triggers?.Running ?? 0) + _resumed.Count} (suspended)");
        }

        // Whatever still runs (past the drain timeout, or started by a caller of Engine rather than a trigger) stops
        // where it is and stays resumable: its calls in flight are sent again when it resumes.
        engine.SuspendAllRuns();

        // Suspended runs record that straight away; this only waits for those commits.
        if (_triggers is not null)
        {
            await _triggers.WaitRunsAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        await _resumed.WaitIdleAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(false);
    }

    private async Task ReleaseLeasesAsync(WorkflowEngine engine)
    {
        await _leasesStopping.CancelAsync().ConfigureAwait(false);
        if (_leases is not null)
        {
            await _leases.ConfigureAwait(false);
        }

        try
        {
            // The next engine to start takes this one's suspended runs over at once, rather than after their lease.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);
            await engine.ReleaseLeasesAsync(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Not released: the leases expire by themselves, and stopping must finish.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Write("engine.release-failed", $"reason=\"{ex.Message}\"");
        }
    }
}
