using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;

namespace Orchestrator.Workers.Instances;

/// <summary>
/// Drains an adapter's stderr for the whole life of the process (a full pipe would block the adapter), turns it
/// into lines, hands the lines written during an invocation to that invocation, and keeps the last ones for crash
/// reports.
/// </summary>
/// <remarks>
/// stdout and stderr are two pipes, so the reply on stdout can overtake the log lines the handler wrote just before
/// it. To attribute those lines exactly, the pump reads with poll + read under a lock on a thread of its own, and
/// <see cref="EndCaptureAsync"/> asks the kernel (FIONREAD) how much is still unread: every byte written before the
/// reply was read is then either processed or counted. Where that is not available the pump reads asynchronously
/// and attribution is best effort.
/// </remarks>
internal sealed class StderrPump : IDisposable
{
    private const int TailSize = 50;
    private const int MaxLineChars = 16 * 1024;

    private readonly Stream _stream;
    private readonly SafeHandle? _handle;
    private readonly int _fd = -1;
    private readonly int _maxLines;
    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly MemoryStream _partial = new();
    private List<string>? _capture;
    private int _dropped;
    private long _bytesRead;
    private bool _ended;
    private volatile bool _stopping;
    private TaskCompletionSource? _progress;

    public StderrPump(Stream stream, int maxLinesPerInvocation)
    {
        _stream = stream;
        _maxLines = maxLinesPerInvocation;
        if (NativeMethods.Supported && stream is PipeStream pipe)
        {
            _handle = pipe.SafePipeHandle;
            _fd = (int)_handle.DangerousGetHandle();
        }
    }

    /// <summary>Starts draining.</summary>
    public void Start()
    {
        if (_fd >= 0)
        {
            // A small stack: the thread only polls, reads and splits lines.
            new Thread(PollLoop, 128 * 1024) { IsBackground = true, Name = "adapter-stderr" }.Start();
        }
        else
        {
            _ = ReadLoopAsync();
        }
    }

    /// <summary>The last lines written (up to 50), for crash reports.</summary>
    public IReadOnlyList<string> Tail()
    {
        lock (_gate)
        {
            return [.. _tail];
        }
    }

    /// <summary>Lines from now on belong to the current invocation (or init).</summary>
    public void BeginCapture()
    {
        lock (_gate)
        {
            _capture = [];
            _dropped = 0;
        }
    }

    /// <summary>Waits until everything written to stderr before now is processed, then returns the captured lines.</summary>
    public async Task<IReadOnlyList<string>> EndCaptureAsync()
    {
        long target;
        lock (_gate)
        {
            target = _bytesRead + Unread();
        }

        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_bytesRead >= target || _ended)
                {
                    // A last line without its newline (PHP `echo "x"`) belongs to this invocation too.
                    FlushPartial();
                    var lines = _capture ?? [];
                    if (_dropped > 0)
                    {
                        lines.Add($"… {_dropped} more log lines were not kept (limit {_maxLines} per invocation)");
                    }

                    _capture = null;
                    return lines;
                }

                _progress ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                progress = _progress.Task;
            }

            await progress.ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading; the thread notices within its poll interval.</summary>
    public void Dispose()
    {
        _stopping = true;
        lock (_gate)
        {
            MarkEnded();
        }
    }

    private int Unread() =>
        _fd >= 0 && !_ended && NativeMethods.IoctlInt(_fd, NativeMethods.FionRead, out var count) == 0 ? count : 0;

    private void PollLoop()
    {
        var buffer = new byte[16 * 1024];
        var poll = new PollFd { Fd = _fd, Events = NativeMethods.PollIn };
        var added = false;
        try
        {
            // Holding a reference keeps the descriptor number ours until this thread ends, even when the process
            // object is disposed meanwhile: polling a closed number could read some other file opened since.
            _handle!.DangerousAddRef(ref added);
            while (!_stopping)
            {
                // Wake up now and then to notice Dispose: a handler's stray grandchild may hold the pipe open forever.
                poll.REvents = 0;
                if (NativeMethods.Poll(ref poll, 1, 500) <= 0)
                {
                    continue;
                }

                lock (_gate)
                {
                    // Read under the lock, so EndCaptureAsync sees a byte either still in the pipe or already processed.
                    var read = _stream.Read(buffer);
                    if (read == 0)
                    {
                        MarkEnded();
                        return;
                    }

                    Consume(buffer.AsSpan(0, read));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe is gone with the process.
        }
        finally
        {
            if (added)
            {
                _handle!.DangerousRelease();
            }
        }

        lock (_gate)
        {
            MarkEnded();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while (!_stopping && (read = await _stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (_gate)
                {
                    Consume(buffer.AsSpan(0, read));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe is gone with the process.
        }

        lock (_gate)
        {
            MarkEnded();
        }
    }

    private void Consume(ReadOnlySpan<byte> bytes)
    {
        _bytesRead += bytes.Length;
        int newline;
        while ((newline = bytes.IndexOf((byte)'\n')) >= 0)
        {
            _partial.Write(bytes[..newline]);
            bytes = bytes[(newline + 1)..];
            FlushPartial();
        }

        if (_partial.Length < MaxLineChars * 4)
        {
            _partial.Write(bytes);
        }

        _progress?.TrySetResult();
        _progress = null;
    }

    private void FlushPartial()
    {
        if (_partial.Length == 0)
        {
            return;
        }

        var text = Encoding.UTF8.GetString(_partial.GetBuffer(), 0, (int)_partial.Length).TrimEnd('\r');
        _partial.SetLength(0);
        if (text.Length > MaxLineChars)
        {
            text = string.Concat(text.AsSpan(0, MaxLineChars), "… (line cut)");
        }

        if (_tail.Count == TailSize)
        {
            _tail.Dequeue();
        }

        _tail.Enqueue(text);
        if (_capture is null)
        {
            return;
        }

        if (_capture.Count < _maxLines)
        {
            _capture.Add(text);
        }
        else
        {
            _dropped++;
        }
    }

    private void MarkEnded()
    {
        if (!_ended)
        {
            FlushPartial();
        }

        _ended = true;
        _progress?.TrySetResult();
        _progress = null;
    }
}
