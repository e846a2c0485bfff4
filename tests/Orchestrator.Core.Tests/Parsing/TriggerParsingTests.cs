using Orchestrator.Core.Parsing;

namespace Orchestrator.Core.Tests.Parsing;

public sealed class TriggerParsingTests
{
    [Fact]
    public void Parse_QueueTriggerWithOptions_KeepsThem()
    {
        var result = WorkflowParser.Parse(
            "document: { name: wf, version: 1.0.0 }\non:\n  - queue: orders\n    prefetch: 10\n    concurrency: 4\n    correlation: \"{{ input.orderId }}\"\ndo:\n  - s: { set: 1 }\n",
            "wf.yaml",
            _ => null);

        var trigger = Assert.Single(result.Workflow!.Triggers);
        Assert.Equal(("queue", "orders", 10, 4, "{{ input.orderId }}"), (trigger.Kind, trigger.Target, trigger.Prefetch, trigger.Concurrency, trigger.Correlation));
    }

    [Theory]
    [InlineData("    prefetch: 0\n", "wf.yaml:4:15: error: 'prefetch' must be an integer of at least 1")]
    [InlineData("    correlation: input.id\n", "wf.yaml:4:18: error: 'correlation' must be a single expression such as \"{{ input.items }}\"")]
    [InlineData("    durable: true\n", "wf.yaml:4:5: error: unknown key 'durable' in trigger (allowed: queue, prefetch, concurrency, correlation)")]
    public void Parse_BadTriggerOption_ReportsIt(string line, string expected)
    {
        var result = WorkflowParser.Parse($"document: {{ name: wf, version: 1.0.0 }}\non:\n  - queue: orders\n{line}do:\n  - s: {{ set: 1 }}\n", "wf.yaml", _ => null);

        Assert.Equal(expected, result.Diagnostics[0].ToString());
    }
}
