using Orchestrator.Core.Definitions;

namespace Orchestrator.Core.Tests.Definitions;

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(BackoffKind.Constant, new[] { 100d, 100d, 100d, 100d })]
    [InlineData(BackoffKind.Linear, new[] { 100d, 200d, 300d, 400d })]
    [InlineData(BackoffKind.Exponential, new[] { 100d, 200d, 400d, 800d })]
    public void DelayAfter_Backoff_FollowsFormula(BackoffKind backoff, double[] expected)
    {
        var policy = new RetryPolicy { Backoff = backoff, Delay = TimeSpan.FromMilliseconds(100) };

        Assert.Equal(expected, Enumerable.Range(1, 4).Select(n => policy.DelayAfter(n).TotalMilliseconds));
    }

    [Fact]
    public void DelayAfter_MaxDelay_CapsGrowth()
    {
        var policy = new RetryPolicy { Backoff = BackoffKind.Exponential, Delay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5) };

        Assert.Equal(TimeSpan.FromSeconds(5), policy.DelayAfter(10));
        Assert.Equal(TimeSpan.FromSeconds(5), policy.DelayAfter(200));
    }

    [Fact]
    public void Covers_NoErrorList_RetriesOnlyRetryableErrors()
    {
        var policy = new RetryPolicy();

        Assert.True(policy.Covers("unavailable", retryable: true));
        Assert.False(policy.Covers("expression", retryable: false));
    }

    [Fact]
    public void Covers_ErrorList_RetriesListedTypesEvenIfNotRetryable()
    {
        var policy = new RetryPolicy { Errors = ["payment"] };

        Assert.True(policy.Covers("payment", retryable: false));
        Assert.False(policy.Covers("timeout", retryable: true));
    }
}
