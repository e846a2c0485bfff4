using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Workers.Manifests;

namespace Orchestrator.Workers.Instances;

/// <summary>
/// One running adapter process and the host's side of protocol v1 with it (adapters/PROTOCOL.md): ready, init, one
/// invocation at a time, shutdown. It never throws for what the process does: a crash, a bad line or a deadline
/// becomes an <see cref="InstanceReply"/>, and the pool then decides whether the instance lives on.
/// </summary>
internal sealed class AdapterInstance : IAsyncDisposable
{
    // The pipe is not a web page: relaxed escaping keeps non-ASCII text as is, so lines stay small. Control
    // characters, newlines included, are still escaped, so one message stays one line.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1024 };

    // How long a process whose stdout closed may take to be reaped. An OS bound, not a product timer: it uses the
    // real clock even when the pool runs on a fake one, so a test clock can never leave it hanging.
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly Action _killTree;
    private readonly Stream _stdin;
    private readonly NdjsonReader _stdout;
    private readonly StderrPump _stderr;
    private readonly Task<int> _exit;
    private bool _killedByHost;
    private bool _lastReplyWasError;
    private int _disposed;

    /// <param name="process">The started process, all three streams redirected.</param>
    /// <param name="spec">What it was started for.</param>
    /// <param name="id">Stable id for metrics, e.g. <c>python-4242</c>.</param>
    /// <param name="root">The function folder as the adapter sees it (a container sees its mount).</param>
    /// <param name="killTree">Kills the process and everything it started; called more than once, must not throw.</param>
    /// <param name="maxLogLines">Log lines kept per invocation.</param>
    public AdapterInstance(Process process, InstanceSpec spec, string id, string? root, Action killTree, int maxLogLines)
    {
        _process = process;
        _killTree = killTree;
        Spec = spec;
        Id = id;
        Root = root;
        ProcessId = process.Id;
        _stdin = process.StandardInput.BaseStream;
        _stdout = new NdjsonReader(process.StandardOutput.BaseStream);
        _stderr = new StderrPump(process.StandardError.BaseStream, maxLogLines);
        _stderr.Start();
        _exit = ExitCodeAsync(process);
    }

    public string Id { get; }

    public InstanceSpec Spec { get; }

    /// <summary>The host's id of the process (the adapter itself, or the container's client).</summary>
    public int ProcessId { get; }

    /// <summary>The function folder as the adapter sees it; null until a stem cell is given a function.</summary>
    public string? Root { get; set; }

    /// <summary>The function this instance was initialised with; null while it is a stem cell.</summary>
    public string? Function { get; private set; }

    /// <summary>The adapter's pid from <c>ready</c> (inside a container, the container's).</summary>
    public int? AdapterPid { get; private set; }

    /// <summary>Completes with the exit code when the process has exited.</summary>
    public Task<int> Exit => _exit;

    public bool HasExited => _exit.IsCompleted;

    /// <summary>Reads the <c>ready</c> line.</summary>
    /// <exception cref="InstanceStartException">The adapter exited or said something else first.</exception>
    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        JsonObject? message;
        try
        {
            message = await _stdout.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolException ex)
        {
            Kill();
            throw new InstanceStartException(StartFailed($"the {Runtime} adapter did not start with a ready line: {ex.Message}"));
        }

        if (message is null)
        {
            var code = await ExitCodeAfterEofAsync().ConfigureAwait(false);
            throw new InstanceStartException(StartFailed($"the {Runtime} adapter exited with code {code} before it was ready{TailText(10)}"));
        }

        if (Text(message, "type") != "ready" || message["protocol"]?.GetValueKind() != JsonValueKind.Number || message["protocol"]!.GetValue<double>() != 1)
        {
            Kill();
            throw new InstanceStartException(StartFailed($"the {Runtime} adapter's first line is not a protocol 1 ready message: {Preview(message)}"));
        }

        AdapterPid = message["pid"] is JsonValue pid && pid.TryGetValue(out int value) ? value : null;
    }

    /// <summary>Turns a stem cell (or a fresh process) into an instance of one function.</summary>
    /// <returns>Null when initialised, else why not (the process is then killed).</returns>
    public async Task<(ErrorInfo? Error, IReadOnlyList<string> Logs)> InitAsync(
        string function, string handler, IReadOnlyDictionary<string, string> env, CancellationToken cancellationToken)
    {
        _stderr.BeginCapture();
        try
        {
            // Secrets travel in this line only: it goes to the adapter's stdin and nowhere else, never to a log.
            await WriteAsync(Encode(writer =>
            {
                writer.WriteString("type", "init");
                writer.WriteString("function", function);
                writer.WriteString("root", Root);
                writer.WriteString("handler", handler);
                writer.WriteStartObject("env");
                foreach (var (name, value) in env)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
            }), cancellationToken).ConfigureAwait(false);
            var message = await _stdout.ReadAsync(cancellationToken).ConfigureAwait(false);
            switch (message is null ? null : Text(message, "type"))
            {
                case null:
                    var code = await ExitCodeAfterEofAsync().ConfigureAwait(false);
                    return (Crash(code, "while it initialised"), await _stderr.EndCaptureAsync().ConfigureAwait(false));
                case "initialized":
                    Function = function;
                    return (null, await _stderr.EndCaptureAsync().ConfigureAwait(false));
                case "error" when Text(message!, "phase") == "init":
                    // The adapter exits 1 after an init error; killing the group also ends anything the code started.
                    Kill();
                    return (ReadError(message!["error"], retryable: false), await _stderr.EndCaptureAsync().ConfigureAwait(false));
                default:
                    throw new ProtocolException($"expected 'initialized' or an init error, got: {Preview(message!)}");
            }
        }
        catch (ProtocolException ex)
        {
            Kill();
            return (new ErrorInfo(RuntimeErrorTypes.ProtocolError, ex.Message, null, Retryable: false), await _stderr.EndCaptureAsync().ConfigureAwait(false));
        }
        catch (IOException)
        {
            var code = await ExitCodeAfterEofAsync().ConfigureAwait(false);
            return (Crash(code, "while it initialised"), await _stderr.EndCaptureAsync().ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
    }

    /// <summary>Runs one invocation. When <paramref name="cancellationToken"/> fires (deadline or caller), the
    /// process group is killed, since a running handler cannot be interrupted any other way.</summary>
    public async Task<InstanceReply> InvokeAsync(InvokeFunction command, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ReadOnlyMemory<byte> line;
        try
        {
            line = Encode(writer =>
            {
                writer.WriteString("type", "invoke");
                writer.WriteString("id", command.InvocationId);
                writer.WritePropertyName("payload");
                if (command.Payload is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    command.Payload.WriteTo(writer);
                }

                writer.WriteNumber("deadlineMs", deadline.ToUnixTimeMilliseconds());
                writer.WriteStartObject("context");
                writer.WriteString("runId", command.RunId);
                writer.WriteString("step", command.StepPath);
                writer.WriteNumber("attempt", command.Attempt);
                writer.WriteString("function", command.Function);
                writer.WriteEndObject();
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // The payload cannot be written as JSON (too deep); the instance never saw it and stays healthy.
            return new InstanceReply(ReplyKind.Error, null, new ErrorInfo(ErrorTypes.Serialization, $"the payload cannot be sent: {ex.Message}", null, Retryable: false), 0, []);
        }

        var started = Stopwatch.GetTimestamp();
        var previousWasError = _lastReplyWasError;
        _stderr.BeginCapture();
        try
        {
            try
            {
                await WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The pipe is broken: the process died before it could read the invocation.
                return await CrashedAsync(started, neverStarted: true).ConfigureAwait(false);
            }

            while (true)
            {
                var message = await _stdout.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (message is null)
                {
                    return await CrashedAsync(started, neverStarted: false, previousWasError).ConfigureAwait(false);
                }

                var type = Text(message, "type");
                var id = Text(message, "id");
                if (type == "result" && id == command.InvocationId)
                {
                    _lastReplyWasError = false;
                    var output = message["output"];
                    message.Remove("output");
                    var ms = message["ms"] is JsonValue v && v.TryGetValue(out double handlerMs) ? handlerMs : Elapsed(started);
                    return new InstanceReply(ReplyKind.Result, output, null, ms, await _stderr.EndCaptureAsync().ConfigureAwait(false));
                }

                if (type == "error" && id == command.InvocationId)
                {
                    _lastReplyWasError = true;
                    var error = ReadError(message["error"], retryable: true);
                    if (error.Type == RuntimeErrorTypes.ExitError && CrashReport.MentionsMemory([error.Message]))
                    {
                        // PHP's memory_limit (¾ of the manifest's memory) ends the process with a fatal error.
                        error = error with { Message = $"{error.Message} (the function's memory limit is {MemorySize.Format(Spec.MemoryBytes)}: raise 'memory' in function.yaml)" };
                    }

                    return new InstanceReply(ReplyKind.Error, null, error, Elapsed(started), await _stderr.EndCaptureAsync().ConfigureAwait(false));
                }

                // An error without an id means the adapter could not read our line: a host bug, or a stray writer.
                throw new ProtocolException($"expected the reply to invocation '{command.InvocationId}', got: {Preview(message)}");
            }
        }
        catch (ProtocolException ex)
        {
            Kill();
            var error = new ErrorInfo(RuntimeErrorTypes.ProtocolError, $"instance {Id} broke the adapter protocol and was stopped: {ex.Message}", null, Retryable: false);
            return new InstanceReply(ReplyKind.ProtocolError, null, error, Elapsed(started), await _stderr.EndCaptureAsync().ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Kill();
            return new InstanceReply(ReplyKind.Aborted, null, null, Elapsed(started), await _stderr.EndCaptureAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Asks the adapter to exit, waits up to <paramref name="grace"/>, then kills what is left of its group.</summary>
    public async Task StopAsync(TimeSpan grace, TimeProvider time)
    {
        try
        {
            await WriteAsync("{\"type\":\"shutdown\"}\n"u8.ToArray(), CancellationToken.None).ConfigureAwait(false);
            _stdin.Close();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Already gone.
        }

        await Task.WhenAny(_exit, Task.Delay(grace, time)).ConfigureAwait(false);
        // Even after a clean exit: a handler's background children live in the same group.
        Kill();
    }

    /// <summary>SIGKILLs the whole process group (or the container). Safe to call at any time, more than once.</summary>
    public void Kill()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Once disposed, the group id may in theory be reused by an unrelated process: never signal it again.
            return;
        }

        if (!_exit.IsCompleted)
        {
            _killedByHost = true;
        }

        _killTree();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAny(_exit, Task.Delay(ExitBound, TimeProvider.System)).ConfigureAwait(false);
        _stderr.Dispose();
        _process.Dispose();
    }

    private string Runtime => AdapterLocator.Name(Spec.Runtime);

    private async Task<InstanceReply> CrashedAsync(long started, bool neverStarted, bool previousWasError = false)
    {
        var code = await ExitCodeAfterEofAsync().ConfigureAwait(false);
        var logs = await _stderr.EndCaptureAsync().ConfigureAwait(false);
        // A Node adapter exits 1 right after it reported an uncaught exception (PROTOCOL.md): an invocation sent in
        // between is never read. Exit code 1, a failed previous reply and not a word on stderr say exactly that.
        neverStarted |= previousWasError && code == 1 && logs.Count == 0;
        return new InstanceReply(ReplyKind.Crashed, null, Crash(code, "while it ran the invocation"), Elapsed(started), logs, neverStarted);
    }

    private async Task<int> ExitCodeAfterEofAsync()
    {
        // stdout closes as the process exits; give the OS a moment to report the exit before cleaning up the group,
        // so the code is the process's own and not our SIGKILL's.
        await Task.WhenAny(_exit, Task.Delay(ExitBound, TimeProvider.System)).ConfigureAwait(false);
        Kill();
        return await _exit.ConfigureAwait(false);
    }

    private ErrorInfo Crash(int code, string when) => CrashReport.Create(Id, code, when, _stderr.Tail(), Spec.MemoryBytes, _killedByHost);

    private static ErrorInfo ReadError(JsonNode? node, bool retryable)
    {
        if (node is not JsonObject error)
        {
            return new ErrorInfo(RuntimeErrorTypes.ProtocolError, "the adapter sent an error without its details", null, Retryable: false);
        }

        var stack = Text(error, "stack");
        return new ErrorInfo(
            Text(error, "type") is { Length: > 0 } type ? type : "Error",
            Text(error, "message") ?? "",
            string.IsNullOrEmpty(stack) ? null : stack,
            retryable && error["retryable"]?.GetValueKind() != JsonValueKind.False);
    }

    private static ErrorInfo StartFailed(string message) => new(RuntimeErrorTypes.StartFailed, message, null, Retryable: true);

    private string TailText(int lines)
    {
        var tail = _stderr.Tail();
        return tail.Count == 0 ? "" : ". Last stderr lines:\n" + string.Join('\n', tail.Skip(Math.Max(0, tail.Count - lines)));
    }

    private static string? Text(JsonObject message, string name) =>
        message[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static string Preview(JsonObject message)
    {
        var text = message.ToJsonString();
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static ReadOnlyMemory<byte> Encode(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        await _stdin.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await _stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }
}
