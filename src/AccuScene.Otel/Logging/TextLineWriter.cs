using System.Buffers;
using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Appends UTF-8 text to a buffer. <see cref="Escaped"/> replaces CR, LF, tab, backslash and every other
/// control or line-separator character by a backslash escape, so a value can never start a new line.
/// </summary>
internal readonly ref struct TextLineWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    public void Raw(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public void Raw(char c) => this.Raw([c]);

    /// <summary>Writes <paramref name="text"/> with control characters escaped; quoted when <paramref name="quoteIfNeeded"/> and it holds a space, quote or '='.</summary>
    public void Escaped(ReadOnlySpan<char> text, bool quoteIfNeeded = false)
    {
        var quote = quoteIfNeeded && (text.IsEmpty || text.IndexOfAny(" \"=") >= 0);
        if (quote)
        {
            this.Raw('"');
        }

        Span<char> escape = stackalloc char[6];
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c) && !(quote && c == '"'))
            {
                continue;
            }

            this.Raw(text[start..i]);
            switch (c)
            {
                case '\n': this.Raw("\\n"); break;
                case '\r': this.Raw("\\r"); break;
                case '\t': this.Raw("\\t"); break;
                case '\\': this.Raw("\\\\"); break;
                case '"': this.Raw("\\\""); break;
                default:
                    "\\u".CopyTo(escape);
                    ((int)c).TryFormat(escape[2..], out _, "x4", CultureInfo.InvariantCulture);
                    this.Raw(escape);
                    break;
            }

            start = i + 1;
        }

        this.Raw(text[start..]);
        if (quote)
        {
            this.Raw('"');
        }
    }

    /// <summary>Writes a value as escaped invariant text, formatting span-formattable values without allocating.</summary>
    public void Value(object? value, bool quoteIfNeeded)
    {
        switch (value)
        {
            case null:
                this.Raw("null");
                return;
            case string text:
                this.Escaped(text, quoteIfNeeded);
                return;
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[128];
                if (LogRecordText.TryFormatSafely(formattable, buffer, out var written))
                {
                    this.Escaped(buffer[..written], quoteIfNeeded);
                    return;
                }

                break;
        }

        this.Escaped(LogRecordText.ToInvariantString(value), quoteIfNeeded);
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c == '\\' || c == '\u2028' || c == '\u2029';
}
