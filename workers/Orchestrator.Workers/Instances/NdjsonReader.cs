using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Workers.Instances;

/// <summary>Reads protocol messages from an adapter's stdout: one JSON object per line, lines of any length.</summary>
internal sealed class NdjsonReader(Stream stream)
{
    // Deep enough for any output an adapter accepts (PHP decodes to depth 4096; JSON this deep is rare).
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 1024 };

    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    private long _scanned;

    /// <summary>The next message, or null when stdout closed (the process is gone or going).</summary>
    /// <exception cref="ProtocolException">The line is not a JSON object.</exception>
    public async ValueTask<JsonObject?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            // Search only the bytes not searched before: a 5 MB line arrives in many reads.
            if (buffer.Slice(_scanned).PositionOf((byte)'\n') is { } newline)
            {
                var line = buffer.Slice(0, newline);
                _scanned = 0;
                try
                {
                    if (!IsBlank(line))
                    {
                        return Parse(line);
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.GetPosition(1, newline));
                }

                continue;
            }

            if (result.IsCompleted)
            {
                var rest = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                return rest == 0 || IsBlank(buffer) ? null : throw new ProtocolException("stdout ended in the middle of a line: " + Preview(buffer));
            }

            _scanned = buffer.Length;
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static JsonObject Parse(ReadOnlySequence<byte> line)
    {
        JsonNode? node;
        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            node = JsonNode.Parse(ref reader);
            if (reader.Read())
            {
                throw new JsonException("more than one JSON value on the line");
            }
        }
        catch (JsonException ex)
        {
            throw new ProtocolException($"a line on stdout is not JSON ({ex.Message}): {Preview(line)}");
        }

        return node as JsonObject ?? throw new ProtocolException("a line on stdout is not a JSON object: " + Preview(line));
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string Preview(ReadOnlySequence<byte> line)
    {
        const int Max = 200;
        var text = Encoding.UTF8.GetString(line.Slice(0, Math.Min(line.Length, Max)));
        return line.Length > Max ? text + "…" : text;
    }
}
