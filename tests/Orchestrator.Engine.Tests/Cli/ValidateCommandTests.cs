using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

public sealed class ValidateCommandTests
{
    [Fact]
    public async Task Validate_FileWithErrors_StillReportsItsUnknownFunctions()
    {
        using var cli = new CliRunner();
        var file = Path.Combine(Path.GetDirectoryName(cli.Store)!, "mixed.yaml");
        File.WriteAllText(file, """
            document: { name: mixed, version: 1.0.0 }
            do:
              - a: { call: nosuch }
              - b: { wait: soon }
              - c: { call: greet }
            """);

        var (exit, _, stderr) = await cli.RunAsync("validate", file);

        Assert.Equal(1, exit);
        var lines = stderr.Trim().Split('\n').Where(l => l.Contains(": error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l.Contains("mixed.yaml:3:16: error: unknown function 'nosuch'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("mixed.yaml:4:16: error: invalid duration 'soon'", StringComparison.Ordinal));
    }
}
