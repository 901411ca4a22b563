using System.Buffers;
using System.Text.Json;
using AccuScene.Otel.Redaction;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>Formats a log record as one line, in the configured format, into a per-thread buffer.</summary>
internal sealed class LogLineFormatter
{
    private readonly JsonLogLineFormatter? _json;
    private readonly TextLogLineFormatter? _text;

    public LogLineFormatter(LogLineFormat format, Redactor redactor, bool colors)
    {
        if (format == LogLineFormat.Json)
        {
            _json = new JsonLogLineFormatter(redactor);
        }
        else
        {
            _text = new TextLogLineFormatter(redactor, colors);
        }
    }

    /// <summary>Writes <paramref name="record"/> into <paramref name="buffer"/>, which is cleared first.</summary>
    public void Write(LogRecord record, LineBuffer buffer)
    {
        buffer.Bytes.ResetWrittenCount();
        if (_json is not null)
        {
            _json.Format(record, buffer.Bytes, buffer.Json, out var used);
            buffer.Json = used;
        }
        else
        {
            _text!.Format(record, buffer.Bytes);
        }
    }
}

/// <summary>
/// A reusable line buffer. Each thread keeps one; a thread that formats again while its buffer is in use
/// (a value's <c>ToString</c> that logs) gets a fresh one.
/// </summary>
internal sealed class LineBuffer
{
    // What a thread keeps between lines: a buffer grown past this for a long line is let go, so threads hold at
    // most 64 KiB each however long the lines they once wrote.
    private const int MaxRetainedBytes = 64 * 1024;

    [ThreadStatic]
    private static LineBuffer? _threadBuffer;

    private bool _inUse;

    public ArrayBufferWriter<byte> Bytes { get; } = new(1024);

    public Utf8JsonWriter? Json { get; set; }

    public ReadOnlySpan<byte> Written => this.Bytes.WrittenSpan;

    public static LineBuffer Rent()
    {
        var buffer = _threadBuffer;
        if (buffer is null || buffer._inUse)
        {
            buffer = new LineBuffer();
            _threadBuffer ??= buffer;
        }

        buffer._inUse = true;
        return buffer;
    }

    public static void Return(LineBuffer buffer)
    {
        buffer._inUse = false;
        if (buffer.Bytes.Capacity > MaxRetainedBytes && ReferenceEquals(_threadBuffer, buffer))
        {
            _threadBuffer = null;
        }
    }
}
