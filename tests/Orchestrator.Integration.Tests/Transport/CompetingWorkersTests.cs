using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Integration.Tests.Transport;

[Collection(BrokerTests.Name)]
public sealed class CompetingWorkersTests(BrokerFixture broker)
{
    private const string Yaml = """
        document: { name: competing, version: 1.0.0 }
        do:
          - work: { call: work, with: { n: "{{ input.n }}" } }
        """;

    [Fact]
    public async Task TwoWorkers_OneFunctionQueue_ShareTheInvocations()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("work");
        var (catalog, workflow) = Workflows.Parse(Yaml);
        var first = new EchoFunction();
        var second = new EchoFunction();

        // Prefetch 1 each, so the broker must hand invocations to both rather than queue them all at one.
        await using var workerA = await scope.StartWorkerAsync(catalog, new FunctionRegistry().AddFunction("work", first), concurrency: 1);
        await using var workerB = await scope.StartWorkerAsync(catalog, new FunctionRegistry().AddFunction("work", second), concurrency: 1);
        await using var engine = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(n => engine.Engine.RunAsync(workflow, new JsonObject { ["n"] = n })));

        Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.Output!["n"]!.GetValue<int>()).Order());
        Assert.Equal(60, first.Calls + second.Calls);
        Assert.True(first.Calls > 0 && second.Calls > 0, $"both workers should have served: {first.Calls} and {second.Calls}");
    }

    [Fact]
    public async Task WorkerKilledMidInvocation_InvocationIsRedeliveredAndRunCompletes()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("work");
        var (catalog, workflow) = Workflows.Parse(Yaml);
        var stuck = new GateFunction("never");
        var healthy = new EchoFunction();
        var doomed = await scope.StartWorkerAsync(catalog, new FunctionRegistry().AddFunction("work", stuck));
        await using var engine = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var run = engine.Engine.RunAsync(workflow, new JsonObject { ["n"] = 42 });
        await stuck.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var survivor = await scope.StartWorkerAsync(catalog, new FunctionRegistry().AddFunction("work", healthy));

        // As a crash looks to the broker: the connection drops with the invocation unacknowledged.
        await doomed.KillAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(42, result.Output!["n"]!.GetValue<int>());
        Assert.Equal(1, healthy.Calls);
        Assert.Equal(0u, await scope.CountAsync($"{scope.Prefix}.fn.work"));
    }

    [Fact]
    public async Task WorkerStopping_LetsTheRunningInvocationFinishAndReplyFirst()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("work");
        var (catalog, workflow) = Workflows.Parse(Yaml);
        var gate = new GateFunction("finished");
        var worker = await scope.StartWorkerAsync(catalog, new FunctionRegistry().AddFunction("work", gate));
        await using var engine = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        var run = engine.Engine.RunAsync(workflow, new JsonObject { ["n"] = 1 });
        await gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = worker.DisposeAsync().AsTask();
        Assert.False(stopping.IsCompleted);
        gate.Release.TrySetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("finished", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task EngineGoneMidInvocation_WorkerDropsTheReplyAndTheInvocationIsNotRunAgain()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("work");
        var (catalog, workflow) = Workflows.Parse(Yaml);
        var gate = new GateFunction("late");
        await using var worker = await scope.StartWorkerAsync(catalog, new FunctionRegistry().AddFunction("work", gate));
        var engine = await scope.StartEngineAsync(catalog, new InMemoryRunStore());

        _ = engine.Engine.RunAsync(workflow, new JsonObject { ["n"] = 1 });
        await gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.KillAsync();
        gate.Release.TrySetResult();

        // Nobody waits for the reply any more: it is dropped, and the invocation is acknowledged rather than
        // redelivered to run again for no one.
        await Eventually.TrueAsync(() => worker.RunningInvocations == 0, "the invocation to finish");
        await Eventually.TrueAsync(() => scope.CountAsync($"{scope.Prefix}.fn.work").Result == 0, "the function queue to be empty");
        Assert.False(gate.Cancelled.Task.IsCompleted);
    }
}
