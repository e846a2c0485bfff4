using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Transport.RabbitMq.Engine;
using Orchestrator.Transport.RabbitMq.Publishing;
using Orchestrator.Transport.RabbitMq.Triggers;
using Orchestrator.Workers.Registry;

namespace Orchestrator.Integration.Tests.Triggers;

/// <summary>A queue trigger prewarms the function of its workflow's first step on the workers, throttled per function.</summary>
[Collection(BrokerTests.Name)]
public sealed class PrewarmTests(BrokerFixture broker)
{
    private static string Yaml(string queue, string function) => $$$"""
        document: { name: scored, version: 1.0.0 }
        on:
          - queue: {{{queue}}}
        do:
          - score: { call: {{{function}}}, with: { n: "{{ input.n }}" } }
        """;

    [Fact]
    public async Task Trigger_FirstStepCallsAPythonFunction_WorkerGetsAPrewarmAndRunsComplete()
    {
        await using var scope = new BrokerScope(broker);
        using var folder = new TempFolder();
        var function = "py-score-" + Guid.NewGuid().ToString("N")[..6];
        WritePythonFunction(folder.Path, function);
        scope.Functions(function);
        var queue = scope.Queue("scored");
        var (catalog, _) = Workflows.Parse(Yaml(queue, function));
        var store = new InMemoryRunStore();
        var registry = new FunctionRegistry();
        await using var pools = registry.AddFunctionFolders([folder.Path]);
        Assert.Empty(pools.Diagnostics);
        var log = new StringWriter();
        var options = scope.Options() with { Log = log };
        var clock = Stopwatch.StartNew();
        await using var runtime = await RabbitMqRuntime.StartAsync(RabbitMqRole.All, options, catalog, registry, store);
        var statistics = runtime.Triggers[queue];

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(i => publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = i }, $"m{i}")));
        }

        await Eventually.TrueAsync(() => statistics.Completed == 50, $"50 runs completed ({statistics})", TimeSpan.FromMinutes(2));
        var elapsed = clock.Elapsed;

        // The hint reached the worker; a burst of 50 sends about one per second, not one per message.
        Assert.InRange(runtime.PrewarmHints, 1, (long)Math.Ceiling(elapsed.TotalSeconds) + 1);
        var runs = await store.ListRunsAsync(100, CancellationToken.None);
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));

        // Whichever won the race (the prewarm or the first invocation), nothing failed on the way.
        Assert.DoesNotContain("worker.prewarm-failed", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("engine.prewarm-failed", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Throttle_OnePerFunctionPerInterval()
    {
        var time = new ManualTime();
        var throttle = new PrewarmThrottle(time, TimeSpan.FromSeconds(1));

        Assert.True(throttle.TryTake("a"));
        Assert.False(throttle.TryTake("a"));
        Assert.True(throttle.TryTake("b"));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(throttle.TryTake("a"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(throttle.TryTake("a"));
        Assert.False(throttle.TryTake("a"));
    }

    [Fact]
    public void Throttle_ABurstFromManyThreads_LetsOneThrough()
    {
        var throttle = new PrewarmThrottle(new ManualTime(), TimeSpan.FromSeconds(1));
        var sent = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (throttle.TryTake("burst"))
            {
                Interlocked.Increment(ref sent);
            }
        });

        Assert.Equal(1, sent);
    }

    [Fact]
    public void FirstFunction_OnlyATopLevelFirstCall()
    {
        var (_, first) = Workflows.Parse(Yaml("q1", "score"));
        var (_, nested) = Workflows.Parse("""
            document: { name: nested, version: 1.0.0 }
            do:
              - prepare: { set: { a: 1 } }
              - score: { call: score }
            """);

        Assert.Equal("score", new QueueTrigger("q1", first, QueueTriggerOptions.Default).FirstFunction);
        Assert.Null(new QueueTrigger("q2", nested, QueueTriggerOptions.Default).FirstFunction);
    }

    private static void WritePythonFunction(string root, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        File.WriteAllText(Path.Combine(directory, "function.yaml"), $"name: {name}\nruntime: python\nhandler: handler.py:handle\nscale: {{ max: 2 }}\n");
        File.WriteAllText(Path.Combine(directory, "handler.py"), "def handle(payload, context):\n    return {\"n\": payload.get(\"n\")}\n");
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
