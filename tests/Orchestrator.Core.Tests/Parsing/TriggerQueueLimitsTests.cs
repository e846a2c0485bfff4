using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;

namespace Orchestrator.Core.Tests.Parsing;

/// <summary>
/// A trigger that serve would refuse, or whose queue the broker would refuse, is reported by the parser (so by
/// validate) where it is written: file, line and column.
/// </summary>
public sealed class TriggerQueueLimitsTests
{
    private static string Workflow(string trigger) =>
        $"document: {{ name: wf, version: 1.0.0 }}\non:\n{trigger}do:\n  - s: {{ set: 1 }}\n";

    [Fact]
    public void Parse_QueueUnderTheReservedAmqPrefix_IsAnErrorAtTheName()
    {
        var result = WorkflowParser.Parse(Workflow("  - queue: amq.bad\n"), "wf.yaml", _ => null);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("wf.yaml:3:12: error: queue name 'amq.bad' starts with 'amq.', which RabbitMQ reserves for its own queues", diagnostic.ToString());
    }

    [Fact]
    public void Parse_QueueTooLongForItsDeadLetterQueue_IsAnError()
    {
        // 251 bytes fit RabbitMQ's 255, but QUEUE.dead (256) would not.
        var result = WorkflowParser.Parse(Workflow($"  - queue: {new string('q', 251)}\n"), "wf.yaml", _ => null);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.StartsWith("wf.yaml:3:12: error: queue name is too long: with its '.dead' queue it is 256 bytes", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongestQueueThatFits_IsAccepted()
    {
        var result = WorkflowParser.Parse(Workflow($"  - queue: {new string('q', 250)}\n"), "wf.yaml", _ => null);

        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Parse_EmptyQueue_IsAnError()
    {
        var result = WorkflowParser.Parse(Workflow("  - queue: ''\n"), "wf.yaml", _ => null);

        Assert.Equal("wf.yaml:3:12: error: 'queue' must be a non-empty string", Assert.Single(result.Diagnostics).ToString());
    }

    [Theory]
    [InlineData(70000)]
    [InlineData(65536)]
    public void Parse_PrefetchAboveWhatRabbitMqTakes_IsAnError(int prefetch)
    {
        var result = WorkflowParser.Parse(Workflow($"  - queue: orders\n    prefetch: {prefetch}\n"), "wf.yaml", _ => null);

        Assert.Equal($"wf.yaml:4:15: error: 'prefetch' must be at most 65535, got {prefetch}", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_PrefetchAtTheLimit_IsAccepted()
    {
        var result = WorkflowParser.Parse(Workflow("  - queue: orders\n    prefetch: 65535\n"), "wf.yaml", _ => null);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(65535, Assert.Single(result.Workflow!.Triggers).Prefetch);
    }

    [Theory]
    [InlineData("", "a queue name cannot be blank")]
    [InlineData("  ", "a queue name cannot be blank")]
    [InlineData("amq.x", "queue name 'amq.x' starts with 'amq.', which RabbitMQ reserves for its own queues")]
    [InlineData("amq", null)]
    [InlineData("user.signups", null)]
    public void QueueNameRules_SayWhatRabbitMqRefuses(string name, string? expected)
    {
        Assert.Equal(expected, QueueNameRules.Problem(name));
    }

    [Fact]
    public void QueueNameRules_CountBytesNotCharacters()
    {
        // 128 two-byte characters: 256 bytes.
        Assert.Equal("queue name is 256 bytes long; RabbitMQ accepts at most 255", QueueNameRules.Problem(new string('é', 128)));
        Assert.Null(QueueNameRules.Problem(new string('q', 255)));
    }
}
