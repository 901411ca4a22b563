using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>Small helpers shared by the line formatters.</summary>
internal static class LogRecordText
{
    /// <summary>The attribute under which <c>Microsoft.Extensions.Logging</c> passes the message template.</summary>
    public const string OriginalFormat = "{OriginalFormat}";

    /// <summary>The message template, from the attributes or the body.</summary>
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

        return record.Body;
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

    /// <summary>A value as invariant text; a <c>ToString</c> that throws becomes the type name.</summary>
    public static string ToInvariantString(object? value)
    {
        try
        {
            return value switch
            {
                null => string.Empty,
                string text => text,
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
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
}
