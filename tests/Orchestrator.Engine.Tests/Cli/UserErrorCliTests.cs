using Orchestrator.Engine.Services;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Cli;

/// <summary>Mistakes of the user get one clear line and exit 2 (bad usage) or 1 (failed), never a stack trace.</summary>
public sealed class UserErrorCliTests
{
    private static readonly string Hello = RepositoryRoot.Combine("workflows", "hello", "hello.yaml");

    private static string Folder(CliRunner cli) => Path.GetDirectoryName(cli.Store)!;

    private static string Write(string folder, string relative, string text)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static void NoStackTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    // 2. --store problems

    [Theory]
    [InlineData("run")]
    [InlineData("runs")]
    [InlineData("runs show")]
    [InlineData("inbox")]
    [InlineData("resume")]
    public async Task Store_FileThatIsNotADatabase_OneLineExit1(string command)
    {
        using var cli = new CliRunner();
        var store = Write(Folder(cli), "notes.db", "these are notes, not a database\n");
        string[] args = command switch
        {
            "run" => ["run", Hello, "--quiet"],
            "runs show" => ["runs", "show", "abc"],
            "resume" => ["resume", Path.GetDirectoryName(Hello)!, "--quiet"],
            _ => [command],
        };

        var (exit, _, stderr) = await cli.RunAsync([.. args, "--store", store]);

        Assert.Equal(1, exit);
        Assert.Equal($"orchestrator: cannot open the run store {store}: file is not a database", stderr.Trim());
    }

    [Fact]
    public async Task Store_Folder_OneLineExit1()
    {
        using var cli = new CliRunner();
        var folder = Directory.CreateDirectory(Path.Combine(Folder(cli), "a-folder")).FullName;

        var (exit, _, stderr) = await cli.RunAsync("run", Hello, "--quiet", "--store", folder);
        var (runsExit, _, runsStderr) = await cli.RunAsync("runs", "--store", folder);

        Assert.Equal(1, exit);
        Assert.Equal($"orchestrator: cannot open the run store {folder}: it is a folder, not a SQLite file", stderr.Trim());
        Assert.Equal(1, runsExit);
        Assert.Equal(stderr.Trim(), runsStderr.Trim());
    }

    [Fact]
    public async Task Store_FolderThatCannotBeCreated_OneLineExit1()
    {
        using var cli = new CliRunner();

        // Its folder would have to be made where a file is.
        var file = Write(Folder(cli), "plain-file", "x");
        var store = Path.Combine(file, "runs.db");

        var (exit, _, stderr) = await cli.RunAsync("run", Hello, "--quiet", "--store", store);

        Assert.Equal(1, exit);
        Assert.Equal($"orchestrator: cannot open the run store {store}: cannot create its folder {file}", stderr.Trim());
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task Store_MissingFileForAReadingCommand_Exits2AndCreatesNothing()
    {
        using var cli = new CliRunner();

        var (exit, _, stderr) = await cli.RunAsync("inbox", "--store", cli.Store);

        Assert.Equal(2, exit);
        Assert.Contains($"no run store at {cli.Store}", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Store));
    }

    // 3. --input JSON

    [Theory]
    [InlineData("{nope", "'n' is an invalid start of a property name. Expected a '\"' at line 1, column 2")]
    [InlineData("{\"a\": 1,\n \"é\": tru}", "'tru}' is an invalid JSON literal. Expected the literal 'true' at line 2, column 10")]
    [InlineData("  ", "it is empty")]
    public async Task Input_NotJson_ReasonWithLineAndColumn(string input, string expected)
    {
        using var cli = new CliRunner();

        var (exit, _, stderr) = await cli.RunAsync("run", Hello, "--input", input, "--store", cli.Store);

        Assert.Equal(2, exit);
        Assert.Equal($"--input is not valid JSON: {expected}", stderr.Trim());
        Assert.DoesNotContain("BytePositionInLine", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_FileNotJson_NamesTheFile()
    {
        using var cli = new CliRunner();
        var file = Write(Folder(cli), "input.json", "{\n  \"a\": [1, 2,]\n}\n");

        var (exit, _, stderr) = await cli.RunAsync("run", Hello, "--input", "@" + file, "--store", cli.Store);

        Assert.Equal(2, exit);
        Assert.StartsWith($"--input @{file} is not valid JSON: ", stderr.Trim(), StringComparison.Ordinal);
        Assert.Equal($"--input @{file} is not valid JSON: The JSON array contains a trailing comma at the end which is not supported at line 2, column 14", stderr.Trim());
    }

    // 4. --functions

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    [InlineData("resume")]
    public async Task Functions_FolderThatDoesNotExist_Exits2(string command)
    {
        using var cli = new CliRunner();
        var missing = Path.Combine(Folder(cli), "no-functions-here");
        string[] args = command == "run" ? ["run", Hello, "--quiet", "--store", cli.Store] : [command, Path.GetDirectoryName(Hello)!, "--store", cli.Store];
        if (command == "validate")
        {
            args = ["validate", Hello];
        }

        var (exit, stdout, stderr) = await cli.RunAsync([.. args, "--functions", missing]);

        Assert.Equal(2, exit);
        Assert.Equal($"no such folder: {missing} (--functions)", stderr.Trim());
        Assert.Empty(stdout);
    }

    // 6. services.yaml

    [Theory]
    [InlineData("requires: []\nservice:\n  - name: x\n", 2, 1, "unknown key 'service' in services.yaml (allowed: requires, services)")]
    [InlineData("requires:\n  - command: php\n    apt: php-cli\n    version: 8\n", 4, 5, "unknown key 'version' in a requirement (allowed: command, path, python-module, apt)")]
    [InlineData("services:\n  - name: s\n    command: [sleep, \"1\"]\n    cwd: /tmp\n", 4, 5, "unknown key 'cwd' in a service (allowed: name, command, ready)")]
    [InlineData("services:\n  - name: s\n    command: [sleep, \"1\"]\n    ready: { port: 80 }\n", 4, 14, "unknown key 'port' in the 'ready' of service 's' (allowed: tcp, timeout)")]
    [InlineData("services: { name: s }\n", 1, 11, "'services' must be a list")]
    public void ServicesFile_UnknownOrMisplacedKey_FileLineColumn(string yaml, int line, int column, string message)
    {
        using var cli = new CliRunner();
        var path = Write(Folder(cli), "services.yaml", yaml);

        var ex = Assert.Throws<ServicesFileException>(() => ServicesFile.Load(path));

        Assert.Equal($"{path}:{line}:{column}: error: {message}", ex.Message);
    }

    [Fact]
    public async Task ServicesFile_UnknownKey_RunExits2AndValidateReportsIt()
    {
        using var cli = new CliRunner();
        var folder = Folder(cli);
        var workflow = Write(folder, "w.yaml", "document: { name: w, version: 1.0.0 }\ndo:\n  - a: { call: greet, with: { name: Ada } }\n");
        var services = Write(folder, "services.yaml", "services: []\nextra: 1\n");
        var expected = $"{services}:2:1: error: unknown key 'extra' in services.yaml (allowed: requires, services)";

        var (runExit, _, runStderr) = await cli.RunAsync("run", workflow, "--quiet", "--store", cli.Store);
        var (noServicesExit, _, _) = await cli.RunAsync("run", workflow, "--quiet", "--no-services", "--store", cli.Store);
        var (validateExit, _, validateStderr) = await cli.RunAsync("validate", workflow);

        Assert.Equal(2, runExit);
        Assert.Equal(expected, runStderr.Trim());
        Assert.Equal(0, noServicesExit);
        Assert.Equal(1, validateExit);
        Assert.Equal(expected, validateStderr.Trim());
    }
}

/// <summary>Tests that set a process-wide environment variable: run alone, so no other test sees it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "environment variables";
}

[Collection(ProcessEnvironment.Name)]
public sealed class IsolationVariableCliTests
{
    // 1. $ORCHESTRATOR_ISOLATION

    [Theory]
    [InlineData("run")]
    [InlineData("resume")]
    public async Task Isolation_Unknown_OneLineExit2(string command)
    {
        using var cli = new CliRunner();
        string[] args = command == "run"
            ? ["run", RepositoryRoot.Combine("workflows", "hello", "hello.yaml"), "--quiet", "--store", cli.Store]
            : ["resume", RepositoryRoot.Combine("workflows", "hello"), "--quiet", "--store", cli.Store];
        Environment.SetEnvironmentVariable("ORCHESTRATOR_ISOLATION", "bogus");
        (int Exit, string Stdout, string Stderr) result;
        try
        {
            result = await cli.RunAsync(args);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ORCHESTRATOR_ISOLATION", null);
        }

        Assert.Equal(2, result.Exit);
        Assert.Equal("$ORCHESTRATOR_ISOLATION must be process or container, not 'bogus'", result.Stderr.Trim());
    }
}
