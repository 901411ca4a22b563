using System.Buffers;
using System.Globalization;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Redaction;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Writes a log record as one line of text for people:
/// <c>2026-11-29T21:04:05.123Z INFO  Category[12]: message trace_id=… span_id=… key=value … exception="…"</c>,
/// where the attributes are those the message does not already show: not its template's placeholders (when the
/// message is the formatted one), and not a value of three characters or more that the message holds as a whole word.
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
        var message = record.FormattedMessage ?? record.Body ?? LogRecordText.Template(record);
        line.Escaped(message);
        if (record.TraceId != default)
        {
            line.Raw(" trace_id=");
            line.Raw(LogRecordText.Hex(record.TraceId, scratch));
            line.Raw(" span_id=");
            line.Raw(LogRecordText.Hex(record.SpanId, scratch));
        }

        if (record.Attributes is { } attributes)
        {
            // Placeholders are skipped only when the message shows their values (with IncludeFormattedMessage off
            // the body is the bare template, and the attributes are all there is).
            var template = record.FormattedMessage is null ? null : Template(attributes);
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                // The message already shows its placeholders, and an event's category says nothing a reader needs.
                if (key != LogRecordText.OriginalFormat && key != AccuSceneEvents.CategoryAttribute && !IsPlaceholder(template, key) && !ShownIn(message, value))
                {
                    this.Attribute(line, key, value);
                }
            }
        }

        if (record.Exception is { } exception)
        {
            line.Raw(" exception=");
            line.Escaped(LogRecordText.ExceptionText(exception), quoteIfNeeded: true);
        }

        line.Raw('\n');
    }

    private static string? Template(IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        for (var i = attributes.Count - 1; i >= 0; i--)
        {
            if (attributes[i].Key == LogRecordText.OriginalFormat)
            {
                return attributes[i].Value as string;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="template"/> holds <c>{key}</c>, <c>{key:format}</c> or <c>{key,alignment}</c>.</summary>
    internal static bool IsPlaceholder(string? template, string key)
    {
        if (template is null || string.IsNullOrEmpty(key))
        {
            return false;
        }

        var rest = template.AsSpan();
        while (true)
        {
            var open = rest.IndexOf('{');
            if (open < 0)
            {
                return false;
            }

            rest = rest[(open + 1)..];
            if (rest.StartsWith('{'))
            {
                rest = rest[1..]; // an escaped brace, not a placeholder
                continue;
            }

            // Microsoft.Extensions.Logging keeps a leading @ or $ in the attribute's key; match the key either way.
            if (Names(rest, key) || ((rest.StartsWith('@') || rest.StartsWith('$')) && Names(rest[1..], key)))
            {
                return true;
            }
        }
    }

    private static bool Names(ReadOnlySpan<char> placeholder, string key) =>
        placeholder.StartsWith(key, StringComparison.Ordinal) && placeholder.Length > key.Length && placeholder[key.Length] is '}' or ':' or ',';

    /// <summary>Whether <paramref name="message"/> already shows <paramref name="value"/> (three characters or more) as a whole word.</summary>
    internal static bool ShownIn(string? message, object? value)
    {
        if (message is null)
        {
            return false;
        }

        Span<char> scratch = stackalloc char[64];
        scoped ReadOnlySpan<char> text;
        if (value is string s)
        {
            text = s;
        }
        else if (value is ISpanFormattable formattable && LogRecordText.TryFormatSafely(formattable, scratch, out var written))
        {
            text = scratch[..written];
        }
        else
        {
            return false;
        }

        // Short values (a 2, an "ok") would match by coincidence: only values of three characters or more count.
        if (text.Length < 3)
        {
            return false;
        }

        var rest = message.AsSpan();
        var offset = 0;
        while (true)
        {
            var at = rest[offset..].IndexOf(text, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            at += offset;
            var end = at + text.Length;
            if ((at == 0 || !IsWordChar(rest[at - 1])) && (end == rest.Length || !IsWordChar(rest[end])))
            {
                return true;
            }

            offset = at + 1;
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '.' or '-' or '_';

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
