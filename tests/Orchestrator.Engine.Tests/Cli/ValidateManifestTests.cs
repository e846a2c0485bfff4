using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

/// <summary><c>validate</c> reports every function manifest problem that <c>run</c> would stop on.</summary>
public sealed class ValidateManifestTests
{
    private const string Duplicate = "function 'greet' is already registered; function names must be unique across C# functions and manifests";
    private const string NoCSharp = "function 'ghost' has runtime dotnet, but no C# function of that name is registered";

    private static string Write(string folder, string relative, string text)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string[] Errors(string stderr) =>
        [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains(": error: ", StringComparison.Ordinal))];

    /// <summary>A workflow beside functions/greet (a C# function's name) and functions/ghost (dotnet, no such C# function).</summary>
    private static (string Workflow, string Greet, string Ghost) Project(string folder)
    {
        var workflow = Write(folder, "wf/w.yaml", "document: { name: w, version: 1.0.0 }\ndo:\n  - a: { call: greet }\n");
        var greet = Write(folder, "wf/functions/greet/function.yaml", "name: greet\nruntime: python\nhandler: h.py:handle\n");
        Write(folder, "wf/functions/greet/h.py", "def handle(event, context):\n    return event\n");
        var ghost = Write(folder, "wf/functions/ghost/function.yaml", "name: ghost\nruntime: dotnet\n");
        return (workflow, greet, ghost);
    }

    [Fact]
    public async Task Validate_ReportsEveryManifestProblemThatRunStopsOn()
    {
        using var cli = new CliRunner();
        var (workflow, greet, ghost) = Project(Path.GetDirectoryName(cli.Store)!);

        var (runExit, _, runStderr) = await cli.RunAsync("run", workflow, "--quiet", "--store", cli.Store);
        var (fileExit, fileStdout, fileStderr) = await cli.RunAsync("validate", workflow);
        var (folderExit, _, folderStderr) = await cli.RunAsync("validate", Path.GetDirectoryName(workflow)!);

        Assert.Equal(2, runExit);
        var runErrors = Errors(runStderr);
        Assert.Contains($"{greet}:1:1: error: {Duplicate}", runErrors);
        Assert.Contains(runErrors, e => e.StartsWith($"{ghost}:1:1: error: {NoCSharp}", StringComparison.Ordinal));
        Assert.Equal(1, fileExit);
        Assert.Equal(runErrors, Errors(fileStderr));
        Assert.Contains("2 error(s) in 2 file(s)", fileStdout, StringComparison.Ordinal);
        Assert.Equal(1, folderExit);
        Assert.Equal(runErrors, Errors(folderStderr));
    }

    [Fact]
    public async Task Validate_FolderWithOnlyFunctions_ReportsItsBadManifests()
    {
        using var cli = new CliRunner();
        var folder = Path.Combine(Path.GetDirectoryName(cli.Store)!, "only");
        var bad = Write(folder, "functions/bad/function.yaml", "name: bad\nruntime: cobol\nhandler: h.py:handle\n");
        Write(folder, "functions/bad/h.py", "");
        var good = Write(folder, "functions/good/function.yaml", "name: good\nruntime: python\nhandler: h.py:handle\n");
        Write(folder, "functions/good/h.py", "");

        var (exit, stdout, stderr) = await cli.RunAsync("validate", folder);
        var (functionsExit, _, functionsStderr) = await cli.RunAsync("validate", Path.Combine(folder, "functions"));

        Assert.Equal(1, exit);
        Assert.Equal([$"{bad}:2:10: error: runtime 'cobol' is not supported (python, node, php or dotnet)"], Errors(stderr));
        Assert.DoesNotContain("valid", stdout, StringComparison.Ordinal);
        Assert.Equal(1, functionsExit);
        Assert.Equal(Errors(stderr), Errors(functionsStderr));

        File.Delete(bad);
        var (fixedExit, fixedStdout, _) = await cli.RunAsync("validate", folder);
        Assert.Equal(0, fixedExit);
        Assert.Equal("0 workflow(s) valid, 1 function manifest(s) valid", fixedStdout.Trim());
        Assert.True(File.Exists(good));
    }

    [Fact]
    public async Task Validate_ManifestGivenDirectly_IsCheckedAsAManifest()
    {
        using var cli = new CliRunner();
        var (_, greet, ghost) = Project(Path.GetDirectoryName(cli.Store)!);
        var fine = Write(Path.GetDirectoryName(cli.Store)!, "wf/functions/fine/function.yaml", "runtime: python\nhandler: h.py:handle\n");
        Write(Path.GetDirectoryName(fine)!, "h.py", "");

        var (greetExit, _, greetStderr) = await cli.RunAsync("validate", greet);
        var (ghostExit, _, ghostStderr) = await cli.RunAsync("validate", ghost);
        var (fineExit, fineStdout, fineStderr) = await cli.RunAsync("validate", fine);

        Assert.Equal(1, greetExit);
        Assert.Equal([$"{greet}:1:1: error: {Duplicate}"], Errors(greetStderr));
        Assert.Equal(1, ghostExit);
        Assert.Single(Errors(ghostStderr), e => e.StartsWith($"{ghost}:1:1: error: {NoCSharp}", StringComparison.Ordinal));
        Assert.Equal(0, fineExit);
        Assert.Equal("", fineStderr);
        Assert.Equal("0 workflow(s) valid, 1 function manifest(s) valid", fineStdout.Trim());
    }
}
