using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Tests.Manifests;

public sealed class ManifestParserTests
{
    private const string File = "functions/send-email/function.yaml";
    private const string Directory = "/srv/functions/send-email";

    private static ManifestParseResult Parse(string yaml, bool handlerExists = true) =>
        ManifestParser.Parse(yaml, File, Directory, _ => handlerExists);

    private static string[] Errors(string yaml, bool handlerExists = true) =>
        [.. Parse(yaml, handlerExists).Diagnostics.Select(diagnostic => diagnostic.ToString())];

    [Fact]
    public void Parse_EveryField_IsRead()
    {
        var result = Parse("""
            name: send-email
            runtime: php
            handler: handler.php:App\Mailer::send
            timeout: 10s
            memory: 128Mi
            process: one-shot
            scale: { min: 1, max: 8, idle: 2m, prewarm: 2 }
            env: { SMTP_HOST: 127.0.0.1, SMTP_PORT: 1025 }
            secrets: [SMTP_PASSWORD]
            """);

        Assert.Empty(result.Diagnostics);
        var manifest = result.Manifest!;
        Assert.Equal("send-email", manifest.Name);
        Assert.Equal(FunctionRuntime.Php, manifest.Runtime);
        Assert.Equal(@"handler.php:App\Mailer::send", manifest.Handler);
        Assert.Equal(Directory, manifest.Directory);
        Assert.Equal(TimeSpan.FromSeconds(10), manifest.Timeout);
        Assert.Equal(128L * 1024 * 1024, manifest.MemoryBytes);
        Assert.Equal(ProcessMode.OneShot, manifest.Process);
        Assert.Equal(new ScaleSettings(1, 8, TimeSpan.FromMinutes(2), 2), manifest.Scale);
        Assert.Equal(new Dictionary<string, string> { ["SMTP_HOST"] = "127.0.0.1", ["SMTP_PORT"] = "1025" }, manifest.Env);
        Assert.Equal(["SMTP_PASSWORD"], manifest.Secrets);
        Assert.Equal(File, manifest.Location.File);
    }

    [Fact]
    public void Parse_OnlyRuntimeAndHandler_AppliesTheDefaults()
    {
        var manifest = Parse("runtime: python\nhandler: handler.py:handle\n").Manifest!;

        Assert.Equal("send-email", manifest.Name); // the folder's name
        Assert.Equal(TimeSpan.FromSeconds(30), manifest.Timeout);
        Assert.Equal(256L * 1024 * 1024, manifest.MemoryBytes);
        Assert.Equal(ProcessMode.Resident, manifest.Process);
        Assert.Equal(new ScaleSettings(0, 4, TimeSpan.FromSeconds(60), 0), manifest.Scale);
        Assert.Empty(manifest.Env);
        Assert.Empty(manifest.Secrets);
    }

    [Fact]
    public void Parse_EnvNameWithEqualsSignOrTrailingNewline_IsReportedAtTheKey()
    {
        // No adapter ever sees such a name: Python refused it at init, Node and PHP set something else silently.
        Assert.Equal(
            [
                $"{File}:3:8: error: 'A=B' is not an environment variable name (letters, digits and _, not starting with a digit)",
                $"{File}:3:18: error: 'C\n' is not an environment variable name (letters, digits and _, not starting with a digit)",
            ],
            Errors("runtime: python\nhandler: handler.py:handle\nenv: { \"A=B\": x, \"C\\n\": y }\n"));
    }

    [Fact]
    public void Parse_UnknownKey_IsReportedAtTheKey()
    {
        Assert.Equal(
            [$"{File}:3:1: error: unknown key 'memroy' in function.yaml (allowed: name, runtime, handler, timeout, memory, process, scale, env, secrets)"],
            Errors("runtime: python\nhandler: handler.py:handle\nmemroy: 128Mi\n"));
    }

    [Fact]
    public void Parse_UnknownScaleKey_IsReportedAtTheKey()
    {
        Assert.Equal(
            [$"{File}:3:18: error: unknown key 'maximum' in scale (allowed: min, max, idle, prewarm)"],
            Errors("runtime: python\nhandler: handler.py:handle\nscale: { min: 0, maximum: 3 }\n"));
    }

    [Fact]
    public void Parse_BadValues_AreEachReportedAtTheValue()
    {
        Assert.Equal(
            [
                $"{File}:3:10: error: invalid duration 'soon' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S; more than zero)",
                $"{File}:4:9: error: invalid memory size '12XB' in 'memory' (use e.g. 128Mi, 512Mi or 1Gi)",
                $"{File}:5:10: error: process 'forever' is not supported (resident or one-shot)",
                $"{File}:6:23: error: 'scale.max' must be a whole number from 1 to 1000, got '0'",
                $"{File}:7:8: error: '1PATH' is not an environment variable name (letters, digits and _, not starting with a digit)",
                $"{File}:8:11: error: secret 'PASS-WORD' is not an environment variable name (letters, digits and _, not starting with a digit)",
            ],
            Errors("""
                runtime: python
                handler: handler.py:handle
                timeout: soon
                memory: 12XB
                process: forever
                scale: { min: 3, max: 0 }
                env: { 1PATH: x }
                secrets: [PASS-WORD]
                """));
    }

    [Fact]
    public void Parse_MinAboveMax_IsReportedAtMin()
    {
        Assert.Equal(
            [$"{File}:3:15: error: scale.min (5) cannot exceed scale.max (2)"],
            Errors("runtime: node\nhandler: index.js:handle\nscale: { min: 5, max: 2 }\n"));
    }

    [Fact]
    public void Parse_MemoryBelowTheMinimum_IsRejected()
    {
        Assert.Equal(
            [$"{File}:3:9: error: 'memory' must be at least 32Mi (an interpreter alone needs about that), got '8Mi'"],
            Errors("runtime: node\nhandler: index.js:handle\nmemory: 8Mi\n"));
    }

    [Fact]
    public void Parse_MissingHandlerFile_IsReportedAtTheHandler()
    {
        Assert.Equal(
            [$"{File}:2:10: error: handler file 'handler.py' does not exist in {Directory}"],
            Errors("runtime: python\nhandler: handler.py:handle\n", handlerExists: false));
    }

    [Fact]
    public void Parse_HandlerOfAnotherLanguageOrWithoutName_IsRejected()
    {
        Assert.Equal([$"{File}:2:10: error: handler file 'handler.py' must end in .js or .cjs or .mjs for runtime node"], Errors("runtime: node\nhandler: handler.py:handle\n"));
        Assert.Equal([$"{File}:2:10: error: handler 'handler.php' must look like 'handler.php:handle': a file, a colon, and the function's name"], Errors("runtime: php\nhandler: handler.php\n"));
    }

    [Fact]
    public void Parse_NameOtherThanTheFolder_IsReportedAtTheName()
    {
        Assert.Equal(
            [$"{File}:1:7: error: name 'send-mail' must match the function's folder name 'send-email' (or be left out)"],
            Errors("name: send-mail\nruntime: python\nhandler: handler.py:handle\n"));
    }

    [Fact]
    public void Parse_UnsupportedRuntime_IsReportedAtTheValue()
    {
        Assert.Equal(
            [$"{File}:1:10: error: runtime 'ruby' is not supported (python, node, php or dotnet)"],
            Errors("runtime: ruby\nhandler: handler.rb:handle\n"));
    }

    [Fact]
    public void Parse_MissingRuntimeAndHandler_AreReportedAtTheTop()
    {
        Assert.Equal(
            [
                $"{File}:1:1: error: the manifest is missing required key 'runtime' (python, node, php or dotnet)",
                $"{File}:1:1: error: the manifest is missing required key 'handler' (e.g. handler.py:handle)",
            ],
            Errors("timeout: 5s\n"));
    }

    [Fact]
    public void Parse_DotnetWithoutHandler_IsValid()
    {
        var manifest = Parse("runtime: dotnet\n", handlerExists: false).Manifest!;

        Assert.Equal(FunctionRuntime.DotNet, manifest.Runtime);
        Assert.Equal("", manifest.Handler);
    }

    [Fact]
    public void Parse_SecretAlsoInEnv_IsRejected()
    {
        Assert.Equal(
            [$"{File}:4:12: error: 'TOKEN' is both in env and in secrets; a secret's value comes from the host's environment"],
            Errors("runtime: python\nhandler: handler.py:handle\nenv: { TOKEN: x }\nsecrets: [ TOKEN ]\n"));
    }

    [Theory]
    [InlineData("runtime: python\n  handler: handler.py:handle\n", "2:10: error: invalid YAML: While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("runtime: python\nhandler: handler.py:handle\nscale: { min: 1, max: 2\nenv: {}\n", "3:8: error: invalid YAML: this '{' is never closed")]
    [InlineData("runtime: python\nhandler: handler.py:handle\n\tmemory: 1Gi\n", "3:1: error: invalid YAML: a tab is used for indentation; indent with spaces")]
    public void Parse_InvalidYaml_IsReportedAtItsCause(string yaml, string expected)
    {
        Assert.Equal([$"{File}:{expected}"], Errors(yaml));
    }

    [Fact]
    public void Parse_DuplicateKey_IsReported()
    {
        var error = Assert.Single(Errors("runtime: python\nhandler: handler.py:handle\nruntime: node\n"));

        Assert.StartsWith($"{File}:3:1: error: invalid YAML: duplicate key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyFileOrAList_IsNotAManifest()
    {
        Assert.Equal([$"{File}:1:1: error: a manifest must be a mapping with at least 'runtime' and 'handler'"], Errors(""));
        Assert.Equal([$"{File}:2:1: error: a manifest must be a mapping with at least 'runtime' and 'handler'"], Errors("# a comment\n- runtime: python\n"));
    }
}
