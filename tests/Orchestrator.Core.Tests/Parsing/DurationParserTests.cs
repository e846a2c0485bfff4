using Orchestrator.Core.Parsing;

namespace Orchestrator.Core.Tests.Parsing;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("PT5S", 5_000)]
    [InlineData("PT1M30S", 90_000)]
    [InlineData("0ms", 0)]
    public void TryParse_ValidText_ReturnsDuration(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 sec")]
    [InlineData("s5")]
    [InlineData("-1s")]
    [InlineData("5sx")]
    [InlineData("P")]
    [InlineData("PTxS")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}
