using System.Buffers;
using System.Globalization;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Writes a log record as one line of text for people:
/// <c>2026-11-29T21:04:05.123Z INFO  Category[12]: message trace_id=… span_id=… key=value … exception="…"</c>.
/// Every part is escaped (see <see cref="TextLineWriter"/>), so no value can forge another line. With
/// <c>colors</c>, the level is wrapped in an ANSI colour.
/// </summary>
internal sealed class TextLogLineFormatter
{
    private readonly Redactor _redactor;
    private readonly bool _colors;

    public TextLogLineFormatter(Redactor redactor, bool colors)
    {
        _redactor = redactor;
        _colors = colors;
    }

    public void Format(LogRecord record, IBufferWriter<byte> output)
    {
        var line = new TextLineWriter(output);
        Span<char> scratch = stackalloc char[32];
        var timestamp = record.Timestamp.Kind == DateTimeKind.Utc ? record.Timestamp : record.Timestamp.ToUniversalTime();
        timestamp.TryFormat(scratch, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        line.Raw(scratch[..written]);
        line.Raw(' ');
        if (_colors)
        {
            line.Raw(LogLevelNames.AnsiColor(record.LogLevel));
            line.Raw(LogLevelNames.ShortName(record.LogLevel));
            line.Raw(LogLevelNames.AnsiReset);
        }
        else
        {
            line.Raw(LogLevelNames.ShortName(record.LogLevel));
        }

        line.Raw(' ');
        line.Escaped(record.CategoryName);
        if (record.EventId.Id != 0)
        {
            line.Raw('[');
            record.EventId.Id.TryFormat(scratch, out written, default, CultureInfo.InvariantCulture);
            line.Raw(scratch[..written]);
            line.Raw(']');
        }

        line.Raw(": ");
        line.Escaped(record.FormattedMessage ?? record.Body ?? LogRecordText.Template(record));
        if (record.TraceId != default)
        {
            line.Raw(" trace_id=");
            line.Raw(LogRecordText.Hex(record.TraceId, scratch));
            line.Raw(" span_id=");
            line.Raw(LogRecordText.Hex(record.SpanId, scratch));
        }

        if (record.Attributes is { } attributes)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                if (key != LogRecordText.OriginalFormat)
                {
                    this.Attribute(line, key, value);
                }
            }
        }

        if (record.Exception is { } exception)
        {
            line.Raw(" exception=");
            line.Escaped(exception.ToString(), quoteIfNeeded: true);
        }

        line.Raw('\n');
    }

    private void Attribute(TextLineWriter line, string key, object? value)
    {
        line.Raw(' ');
        line.Escaped(string.IsNullOrEmpty(key) ? "_" : key, quoteIfNeeded: true);
        line.Raw('=');
        if (_redactor.IsSensitive(key))
        {
            line.Raw(Redactor.Mask);
        }
        else
        {
            line.Value(value, quoteIfNeeded: true);
        }
    }
}
