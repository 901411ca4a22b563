using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AccuScene.Otel.Redaction;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Writes a log record as one JSON object and a line feed: <c>timestamp</c> (UTC, ISO 8601), <c>level</c>,
/// <c>category</c>, <c>message</c>, <c>template</c>, <c>event_id</c>, <c>event_name</c>, <c>trace_id</c>,
/// <c>span_id</c>, <c>attributes</c> (the template's values, then scope values) and <c>exception</c>; absent parts are
/// left out, and a key repeated in one record is written once (the first). The JSON
/// writer escapes every control character, so a line is always one valid object. Values whose type is known
/// (strings, numbers, booleans, span-formattable values) are written without allocating.
/// </summary>
internal sealed class JsonLogLineFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Redactor _redactor;

    public JsonLogLineFormatter(Redactor redactor)
    {
        _redactor = redactor;
    }

    public void Format(LogRecord record, IBufferWriter<byte> output, Utf8JsonWriter? reusable, out Utf8JsonWriter used)
    {
        var writer = reusable ?? new Utf8JsonWriter(output, WriterOptions);
        writer.Reset(output);
        used = writer;

        writer.WriteStartObject();
        // "O" keeps all seven digits of the fraction (the writer's own DateTime form drops trailing zeros), so every
        // line's timestamp has one width: sorted as text, the lines stay in time order.
        Span<byte> timestamp = stackalloc byte[40];
        (record.Timestamp.Kind == DateTimeKind.Utc ? record.Timestamp : record.Timestamp.ToUniversalTime()).TryFormat(timestamp, out var written, "O", CultureInfo.InvariantCulture);
        writer.WriteString("timestamp"u8, timestamp[..written]);
        writer.WriteString("level"u8, LogLevelNames.Name(record.LogLevel));
        if (record.CategoryName is { } category)
        {
            writer.WriteString("category"u8, category);
        }

        var template = LogRecordText.Template(record);
        writer.WriteString("message"u8, record.FormattedMessage ?? record.Body ?? template ?? string.Empty);
        if (template is not null)
        {
            writer.WriteString("template"u8, template);
        }

        if (record.EventId.Id != 0)
        {
            writer.WriteNumber("event_id"u8, record.EventId.Id);
        }

        if (record.EventId.Name is { } eventName)
        {
            writer.WriteString("event_name"u8, eventName);
        }

        if (record.TraceId != default)
        {
            Span<char> hex = stackalloc char[32];
            writer.WriteString("trace_id"u8, LogRecordText.Hex(record.TraceId, hex));
            writer.WriteString("span_id"u8, LogRecordText.Hex(record.SpanId, hex));
        }

        if (record.Attributes is { Count: > 0 } attributes && LogRecordText.HasAttributes(attributes))
        {
            writer.WritePropertyName("attributes"u8);
            writer.WriteStartObject();
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                if (key == LogRecordText.OriginalFormat || LogRecordText.IsRepeatedKey(attributes, i))
                {
                    continue;
                }

                writer.WritePropertyName(string.IsNullOrEmpty(key) ? "_" : key);
                this.WriteValue(writer, key, value);
            }

            writer.WriteEndObject();
        }

        if (record.Exception is { } exception)
        {
            writer.WritePropertyName("exception"u8);
            writer.WriteStartObject();
            writer.WriteString("type"u8, exception.GetType().FullName);
            writer.WriteString("message"u8, LogRecordText.ExceptionMessage(exception));
            writer.WriteString("stack_trace"u8, LogRecordText.ExceptionText(exception));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    private void WriteValue(Utf8JsonWriter writer, string? key, object? value)
    {
        if (_redactor.IsSensitive(key))
        {
            writer.WriteStringValue(Redactor.Mask);
            return;
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case byte or sbyte or short or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong number:
                writer.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case float number when float.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case nint number:
                writer.WriteNumberValue((long)number);
                break;
            case nuint number:
                writer.WriteNumberValue((ulong)number);
                break;
            case Half number when Half.IsFinite(number):
                writer.WriteNumberValue((double)number);
                break;
            case Int128 or UInt128 or System.Numerics.BigInteger:
                // Wider than any JSON writer's number type: their invariant digits are a JSON number all the same.
                writer.WriteRawValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case DateTime time:
                writer.WriteStringValue(time); // ISO 8601, to the tick, with its offset or Z when it has one
                break;
            case DateTimeOffset time:
                writer.WriteStringValue(time);
                break;
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[128];
                if (LogRecordText.TryFormatSafely(formattable, buffer, out var written))
                {
                    writer.WriteStringValue(buffer[..written]);
                }
                else
                {
                    writer.WriteStringValue(LogRecordText.ToInvariantString(formattable));
                }

                break;
            default:
                writer.WriteStringValue(LogRecordText.ToInvariantString(value));
                break;
        }
    }
}
