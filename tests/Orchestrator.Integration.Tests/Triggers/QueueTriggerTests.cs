using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Core.Definitions;
using Orchestrator.Core.History;
using Orchestrator.Integration.Tests.Support;
using Orchestrator.Transport.RabbitMq;
using Orchestrator.Transport.RabbitMq.Publishing;
using Orchestrator.Transport.RabbitMq.Triggers;
using Orchestrator.Workers.Registry;
using RabbitMQ.Client;

namespace Orchestrator.Integration.Tests.Triggers;

[Collection(BrokerTests.Name)]
public sealed class QueueTriggerTests(BrokerFixture broker)
{
    private static string Yaml(string queue) => $$$"""
        document: { name: orders, version: 1.0.0 }
        input:
          schema:
            type: object
            required: [n]
            properties: { n: { type: integer } }
        on:
          - queue: {{{queue}}}
        do:
          - handle: { call: echo, with: { n: "{{ input.n }}" } }
        """;

    /// <summary>An engine and a worker hosting <c>echo</c>, consuming the triggers of <paramref name="catalog"/>.</summary>
    private static Task<RabbitMqRuntime> StartAsync(BrokerScope scope, WorkflowCatalog catalog, IRunStore store, RabbitMqOptions? options = null) =>
        RabbitMqRuntime.StartAsync(RabbitMqRole.All, options ?? scope.Options(), catalog, new FunctionRegistry().AddFunction("echo", new EchoFunction()), store);

    [Fact]
    public async Task Trigger_1000MessagesOf50Malformed_950RunsAnd50DeadLettersWithReasons()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var queue = scope.Queue("orders");
        var (catalog, _) = Workflows.Parse(Yaml(queue));
        var store = new InMemoryRunStore();
        await using var runtime = await StartAsync(scope, catalog, store);
        var statistics = runtime.Triggers[queue];

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => (i % 40) switch
            {
                0 => publisher.PublishAsync(queue, Encoding.UTF8.GetBytes($"order {i} <not json>"), "text/plain", null, $"m{i}"),
                20 => publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = $"not a number {i}" }, $"m{i}"),
                _ => publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = i }, $"m{i}"),
            }));
        }

        await Eventually.TrueAsync(() => statistics.Completed + statistics.DeadLettered >= 1000, $"1000 messages handled ({statistics})", TimeSpan.FromMinutes(2));

        Assert.Equal(950, statistics.Started);
        Assert.Equal(950, statistics.Completed);
        Assert.Equal(50, statistics.DeadLettered);
        Assert.Equal(0, statistics.Duplicates);
        var runs = await store.ListRunsAsync(2000, CancellationToken.None);
        var expected = Enumerable.Range(0, 1000).Where(i => i % 40 is not (0 or 20));
        Assert.Equal(expected, runs.Select(r => r.Input!["n"]!.GetValue<int>()).Order());
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));

        var dead = await scope.DrainAsync(queue + ".dead");
        Assert.Equal(50, dead.Count);
        var reasons = dead.Select(d => BrokerScope.Header(d.Properties, "x-orchestrator-reason")).ToList();
        Assert.Equal(25, reasons.Count(r => r.StartsWith("the body is not JSON", StringComparison.Ordinal)));
        Assert.Equal(25, reasons.Count(r => r.Contains("does not match the input.schema of orders@1.0.0", StringComparison.Ordinal)));
        Assert.All(dead, d => Assert.Equal(queue, BrokerScope.Header(d.Properties, "x-orchestrator-queue")));
        Assert.Equal(0u, await scope.CountAsync(queue));
    }

    [Fact]
    public async Task Trigger_CloudEventsStructuredAndBinary_BothStartRunsWithTheirData()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var queue = scope.Queue("events");
        var (catalog, _) = Workflows.Parse(Yaml(queue));
        var store = new InMemoryRunStore();
        await using var runtime = await StartAsync(scope, catalog, store);

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishCloudEventAsync(queue, CloudEventMode.Structured, "com.example.order", "/shop", new JsonObject { ["n"] = 1 });
            await publisher.PublishCloudEventAsync(queue, CloudEventMode.Binary, "com.example.order", "/shop", new JsonObject { ["n"] = 2 });

            // A CloudEvent without its required source is refused, with the SDK's reason.
            await publisher.PublishAsync(queue, Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"x","type":"t","data":{"n":3}}"""), "application/cloudevents+json", null, null);
        }

        var statistics = runtime.Triggers[queue];
        await Eventually.TrueAsync(() => statistics.Completed == 2 && statistics.DeadLettered == 1, $"two runs and one dead letter ({statistics})");

        var runs = await store.ListRunsAsync(10, CancellationToken.None);
        Assert.Equal([1, 2], runs.Select(r => r.Input!["n"]!.GetValue<int>()).Order());
        var dead = Assert.Single(await scope.DrainAsync(queue + ".dead"));
        Assert.Contains("not a valid CloudEvent", BrokerScope.Header(dead.Properties, "x-orchestrator-reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_SameMessageTwice_StartsOneRun()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var queue = scope.Queue("dedupe");
        var (catalog, _) = Workflows.Parse(Yaml(queue));
        var store = new InMemoryRunStore();
        await using var runtime = await StartAsync(scope, catalog, store);

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            // As a publisher that retried after a lost confirm would: one message id, twice.
            await publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = 7 }, "order-7");
            await publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = 7 }, "order-7");
            await publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = 8 }, "order-8");
        }

        var statistics = runtime.Triggers[queue];
        await Eventually.TrueAsync(() => statistics.Completed == 2 && statistics.Duplicates == 1, $"two runs and one duplicate ({statistics})");
        Assert.Equal(2, (await store.ListRunsAsync(10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Trigger_CorrelationExpression_DeduplicatesByBusinessKey()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var queue = scope.Queue("keyed");
        var (catalog, _) = Workflows.Parse(Yaml(queue));
        var store = new InMemoryRunStore();
        var options = scope.Options() with { TriggerOptions = (_, _) => new QueueTriggerOptions { Correlation = "{{ input.n }}", Prefetch = 4, Concurrency = 2 } };
        await using var runtime = await StartAsync(scope, catalog, store, options);

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            foreach (var n in new[] { 1, 2, 1, 3, 2, 1 })
            {
                await publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = n });
            }
        }

        var statistics = runtime.Triggers[queue];
        await Eventually.TrueAsync(() => statistics.Completed == 3 && statistics.Duplicates == 3, $"three runs and three duplicates ({statistics})");
        Assert.Equal([1, 2, 3], (await store.ListRunsAsync(10, CancellationToken.None)).Select(r => r.Input!["n"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task Trigger_FirstCommitFails_MessageGoesBackAndStartsOnRedelivery()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var queue = scope.Queue("flaky-store");
        var (catalog, _) = Workflows.Parse(Yaml(queue));
        var store = new FailingOnceStore(new InMemoryRunStore());
        await using var runtime = await StartAsync(scope, catalog, store);

        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = 5 });
        }

        var statistics = runtime.Triggers[queue];
        await Eventually.TrueAsync(() => statistics.Completed == 1, $"the run to complete after a redelivery ({statistics})");
        Assert.Equal(1, statistics.StartFailures);
        Assert.Equal(2, statistics.Received);
        Assert.Single(await store.ListRunsAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Trigger_StoppingEngine_AcknowledgesNothingUnstarted()
    {
        await using var scope = new BrokerScope(broker);
        scope.Functions("echo");
        var queue = scope.Queue("stop");
        var (catalog, _) = Workflows.Parse(Yaml(queue));
        var store = new InMemoryRunStore();
        var options = scope.Options() with { TriggerOptions = (_, _) => new QueueTriggerOptions { Prefetch = 10, Concurrency = 5 } };
        var runtime = await StartAsync(scope, catalog, store, options);
        await using (var publisher = await RabbitMqPublisher.ConnectAsync(scope.Address))
        {
            await Task.WhenAll(Enumerable.Range(0, 300).Select(n => publisher.PublishJsonAsync(queue, new JsonObject { ["n"] = n })));
        }

        var statistics = runtime.Triggers[queue];
        await Eventually.TrueAsync(() => statistics.Started > 0, "the first run");
        await runtime.DisposeAsync();

        // Every message either started a run (acknowledged) or is back in the queue: none lost, none doubled.
        var started = (await store.ListRunsAsync(1000, CancellationToken.None)).Select(r => r.Input!["n"]!.GetValue<int>()).ToList();
        var waiting = (await scope.DrainAsync(queue)).Select(m => JsonNode.Parse(m.Body)!["n"]!.GetValue<int>()).ToList();
        Assert.Equal(Enumerable.Range(0, 300), started.Concat(waiting).Order());
        Assert.Equal(started.Count, (int)statistics.Started);
    }

    /// <summary>A store whose first save fails, as a full disk or a lost database connection would.</summary>
    private sealed class FailingOnceStore(IRunStore inner) : IRunStore
    {
        private int _saves;

        public ValueTask SaveAsync(RunChanges changes, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _saves) == 1
                ? ValueTask.FromException(new IOException("disk full"))
                : inner.SaveAsync(changes, cancellationToken);

        public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) => inner.ListRunsAsync(limit, cancellationToken);

        public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

        public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string runId, CancellationToken cancellationToken) => inner.GetHistoryAsync(runId, cancellationToken);
    }
}
