using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace Orchestrator.Benchmarks.Engine;

/// <summary>
/// WorkflowCore 3.22.0 hosted the usual way: <c>AddLogging()</c>, <c>AddWorkflow()</c> (in-memory persistence,
/// single-node queue, lock and event hub), the workflow registered and the host started.
/// </summary>
/// <remarks>
/// A run is done when WorkflowCore publishes its <see cref="WorkflowCompleted"/> lifecycle event (matched by the
/// run's reference), which is how a WorkflowCore caller learns a workflow finished. The last step also stamps the
/// time it ran (<see cref="BenchData.FinalStepAt"/>), so the report can show the latency up to the last step's
/// body as well: the figure most favourable to WorkflowCore.
/// </remarks>
internal sealed class WorkflowCoreTarget : IEngineTarget
{
    private readonly ServiceProvider _services;
    private readonly IWorkflowHost _host;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _next;

    private WorkflowCoreTarget(ServiceProvider services)
    {
        _services = services;
        _host = services.GetRequiredService<IWorkflowHost>();
        _host.RegisterWorkflow<BenchWorkflow, BenchData>();
        _host.OnLifeCycleEvent += OnLifeCycleEvent;
        _host.Start();
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the last step of the most recent completed run ran.</summary>
    public long LastFinalStepAt { get; private set; }

    public long? StepsExecuted => Interlocked.Read(ref WfStepCounter.Count);

    public static EngineSpec Spec(bool tuned)
    {
        var (idle, concurrency) = ReadOptions(tuned);
        var label = tuned ? "WorkflowCore (tuned)" : "WorkflowCore (defaults)";
        var how = tuned ? "UseIdleTime(1 ms), UseMaxConcurrentWorkflows(64)" : "default WorkflowOptions";
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"WorkflowCore 3.22.0, in-memory persistence, {how}: IdleTime {idle.TotalMilliseconds:0.###} ms, MaxConcurrentWorkflows {concurrency}");
        return new EngineSpec(label, description, () => Task.FromResult<IEngineTarget>(new WorkflowCoreTarget(Build(tuned))));
    }

    public async Task RunAsync(int index)
    {
        var key = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var pending = new Pending(new BenchData { Value = 1 });
        _pending[key] = pending;
        await _host.StartWorkflow("bench", 1, pending.Data, key).ConfigureAwait(false);
        await pending.Done.Task.ConfigureAwait(false);
        LastFinalStepAt = pending.Data.FinalStepAt;
    }

    public async Task VerifyAsync()
    {
        var key = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var pending = new Pending(new BenchData { Value = 1 });
        _pending[key] = pending;
        await _host.StartWorkflow("bench", 1, pending.Data, key).ConfigureAwait(false);
        await pending.Done.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (pending.Data.C != 7 || pending.Data.FinalStepAt == 0)
        {
            throw new InvalidOperationException($"WorkflowCore: expected 7 after three steps, got {pending.Data.C}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _host.OnLifeCycleEvent -= OnLifeCycleEvent;
        _host.Stop();
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private static ServiceProvider Build(bool tuned)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWorkflow(options =>
        {
            if (tuned)
            {
                options.UseIdleTime(TimeSpan.FromMilliseconds(1));
                options.UseMaxConcurrentWorkflows(64);
            }
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Reads the options WorkflowCore will really use (its fields are internal, so by reflection).</summary>
    private static (TimeSpan Idle, int Concurrency) ReadOptions(bool tuned)
    {
        using var services = Build(tuned);
        var options = services.GetRequiredService<WorkflowOptions>();
        const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var idle = typeof(WorkflowOptions).GetField("IdleTime", Any)?.GetValue(options) as TimeSpan? ?? TimeSpan.Zero;
        var concurrency = typeof(WorkflowOptions).GetField("MaxConcurrentWorkflows", Any)?.GetValue(options) as int? ?? 0;
        return (idle, concurrency);
    }

    private void OnLifeCycleEvent(LifeCycleEvent evt)
    {
        switch (evt)
        {
            case WorkflowCompleted when evt.Reference is { } key && _pending.TryRemove(key, out var done):
                done.Done.TrySetResult();
                break;
            case WorkflowTerminated or WorkflowError when evt.Reference is { } key && _pending.TryRemove(key, out var failed):
                failed.Done.TrySetException(new InvalidOperationException($"WorkflowCore run {evt.WorkflowInstanceId} ended with {evt.GetType().Name}"));
                break;
        }
    }

    private sealed class Pending(BenchData data)
    {
        public BenchData Data { get; } = data;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Step bodies run, across all WorkflowCore instances (they run one at a time).</summary>
internal static class WfStepCounter
{
    public static long Count;
}

/// <summary>WorkflowCore's data object: the value passed from step to step.</summary>
public sealed class BenchData
{
    public int Value { get; set; }

    public int A { get; set; }

    public int B { get; set; }

    public int C { get; set; }

    /// <summary>When the last step's body ran (<see cref="Stopwatch"/> timestamp).</summary>
    public long FinalStepAt { get; set; }
}

/// <summary>The same three steps as the Orchestrator workflow, passing values through the data object.</summary>
public sealed class BenchWorkflow : IWorkflow<BenchData>
{
    public string Id => "bench";

    public int Version => 1;

    public void Build(IWorkflowBuilder<BenchData> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .StartWith<WfAdd>()
                .Input(step => step.Value, data => data.Value)
                .Output(data => data.A, step => step.Result)
            .Then<WfDouble>()
                .Input(step => step.Value, data => data.A)
                .Output(data => data.B, step => step.Result)
            .Then<WfAddThree>()
                .Input(step => step.Value, data => data.B)
                .Output(data => data.C, step => step.Result)
                .Output(data => data.FinalStepAt, step => step.At);
    }
}

/// <summary>value + 1, after one await.</summary>
public sealed class WfAdd : StepBodyAsync
{
    public int Value { get; set; }

    public int Result { get; set; }

    public override async Task<ExecutionResult> RunAsync(IStepExecutionContext context)
    {
        await Task.Yield();
        Result = Value + 1;
        Interlocked.Increment(ref WfStepCounter.Count);
        return ExecutionResult.Next();
    }
}

/// <summary>value × 2, after one await.</summary>
public sealed class WfDouble : StepBodyAsync
{
    public int Value { get; set; }

    public int Result { get; set; }

    public override async Task<ExecutionResult> RunAsync(IStepExecutionContext context)
    {
        await Task.Yield();
        Result = Value * 2;
        Interlocked.Increment(ref WfStepCounter.Count);
        return ExecutionResult.Next();
    }
}

/// <summary>value + 3, after one await; also notes when it ran.</summary>
public sealed class WfAddThree : StepBodyAsync
{
    public int Value { get; set; }

    public int Result { get; set; }

    public long At { get; set; }

    public override async Task<ExecutionResult> RunAsync(IStepExecutionContext context)
    {
        await Task.Yield();
        Result = Value + 3;
        Interlocked.Increment(ref WfStepCounter.Count);
        At = Stopwatch.GetTimestamp();
        return ExecutionResult.Next();
    }
}
