using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>Small helpers shared by the line formatters.</summary>
internal static class LogRecordText
{
    /// <summary>The attribute under which <c>Microsoft.Extensions.Logging</c> passes the message template.</summary>
    public const string OriginalFormat = "{OriginalFormat}";

    /// <summary>The message template, from the attributes; <see langword="null"/> for a record without one (its body is the formatter's output, no template).</summary>
    public static string? Template(LogRecord record)
    {
        if (record.Attributes is { } attributes)
        {
            for (var i = attributes.Count - 1; i >= 0; i--)
            {
                if (attributes[i].Key == OriginalFormat)
                {
                    return attributes[i].Value as string;
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="attributes"/> holds anything besides the template.</summary>
    public static bool HasAttributes(IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key != OriginalFormat)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the key at <paramref name="index"/> already appeared earlier in <paramref name="attributes"/>.</summary>
    public static bool IsRepeatedKey(IReadOnlyList<KeyValuePair<string, object?>> attributes, int index)
    {
        var key = attributes[index].Key;
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static ReadOnlySpan<char> Hex(ActivityTraceId id, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        Convert.TryToHexStringLower(bytes, destination, out var written);
        return destination[..written];
    }

    public static ReadOnlySpan<char> Hex(ActivitySpanId id, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[8];
        id.CopyTo(bytes);
        Convert.TryToHexStringLower(bytes, destination, out var written);
        return destination[..written];
    }

    /// <summary>
    /// A value as invariant text; a list as its items joined with ", ", as Microsoft.Extensions.Logging writes it
    /// in the message; a <c>ToString</c> that throws becomes the type name.
    /// </summary>
    public static string ToInvariantString(object? value)
    {
        try
        {
            return value switch
            {
                null => string.Empty,
                string text => text,
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                System.Collections.IEnumerable items => JoinItems(items),
                _ => value.ToString() ?? string.Empty,
            };
        }
#pragma warning disable CA1031 // A broken ToString in application code must not lose the log line.
        catch (Exception)
#pragma warning restore CA1031
        {
            return value!.GetType().FullName ?? "?";
        }
    }

    // Items are written by their own text, never walked further (a list that holds itself), and at most 1,000.
    private static string JoinItems(System.Collections.IEnumerable items)
    {
        const int MaxItems = 1_000;
        var text = new System.Text.StringBuilder();
        var count = 0;
        foreach (var item in items)
        {
            if (count == MaxItems)
            {
                text.Append(", …");
                break;
            }

            text.Append(count++ == 0 ? string.Empty : ", ").Append(item switch
            {
                null => "(null)",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => item.ToString(),
            });
        }

        return text.ToString();
    }

    /// <summary>Runs the value's <c>TryFormat</c> (invariant culture), answering <see langword="false"/> when it throws: application code must not lose the line.</summary>
    public static bool TryFormatSafely(ISpanFormattable value, Span<char> destination, out int written)
    {
        try
        {
            return value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
        }
#pragma warning disable CA1031 // A broken TryFormat in application code must not lose the log line.
        catch (Exception)
#pragma warning restore CA1031
        {
            written = 0;
            return false;
        }
    }

    /// <summary>An exception's <c>Message</c>; when reading it throws, a note naming the exception's type instead.</summary>
    public static string ExceptionMessage(Exception exception)
    {
        try
        {
            return exception.Message;
        }
#pragma warning disable CA1031 // A broken exception in application code must not lose the record.
        catch (Exception unreadable)
#pragma warning restore CA1031
        {
            return $"({exception.GetType().FullName}: its Message threw {unreadable.GetType().Name})";
        }
    }

    /// <summary>An exception's <c>ToString()</c> (type, message, stack trace, inner exceptions); when that throws, its type and message.</summary>
    public static string ExceptionText(Exception exception)
    {
        try
        {
            return exception.ToString();
        }
#pragma warning disable CA1031 // A broken exception in application code must not lose the record.
        catch (Exception)
#pragma warning restore CA1031
        {
            return $"{exception.GetType().FullName}: {ExceptionMessage(exception)}";
        }
    }
}
