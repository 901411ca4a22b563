using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Renders a <c>Microsoft.Extensions.Logging</c> message template (<c>"User {User} logged in"</c>) from the
/// record's attributes: the n-th hole from the n-th attribute when that one has the hole's name (as
/// Microsoft.Extensions.Logging fills holes by position, so a name used twice shows both values), else by name.
/// Used only when a value had to be masked, so the formatted message does not
/// repeat what the attribute hides. Handles <c>{{</c>/<c>}}</c>, <c>{Name,alignment}</c> and <c>{Name:format}</c>; an alignment of a million
/// characters or more throws <see cref="FormatException"/>, as .NET's composite formatting does.
/// </summary>
internal static class MessageTemplateRenderer
{
    /// <summary>The widest alignment rendered, as in .NET's <see cref="string.Format(string, object?[])"/>.</summary>
    public const int MaxAlignment = 1_000_000;

    public static string Render(string template, IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        var result = new StringBuilder(template.Length + 32);
        var i = 0;
        var position = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                result.Append('{');
                i += 2;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                result.Append('}');
                i += 2;
                continue;
            }

            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                result.Append(c);
                i++;
                continue;
            }

            var hole = template.AsSpan(i + 1, close - i - 1);
            var format = default(string);
            var alignment = 0;
            var colon = hole.IndexOf(':');
            if (colon >= 0)
            {
                format = hole[(colon + 1)..].ToString();
                hole = hole[..colon];
            }

            var comma = hole.IndexOf(',');
            if (comma >= 0)
            {
                _ = int.TryParse(hole[(comma + 1)..].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out alignment);
                if (alignment is <= -MaxAlignment or >= MaxAlignment)
                {
                    // .NET's composite formatting refuses the same widths; padding to them would allocate gigabytes.
                    throw new FormatException("A hole's alignment must be less than 1,000,000 characters wide.");
                }

                hole = hole[..comma];
            }

            // Microsoft.Extensions.Logging keeps a hole's @ or $ in the argument's name ({@User} is "@User").
            var name = hole.Trim();
            var found = At(attributes, position++, name, out var value)
                || Lookup(attributes, name, out value) || Lookup(attributes, name.TrimStart("@$"), out value);
            var text = found ? Format(value, format) : template.Substring(i, close - i + 1);
            result.Append(alignment >= 0 ? text.PadLeft(alignment) : text.PadRight(-alignment));
            i = close + 1;
        }

        return result.ToString();
    }

    private static bool At(IReadOnlyList<KeyValuePair<string, object?>> attributes, int position, ReadOnlySpan<char> name, out object? value)
    {
        var found = position < attributes.Count && name.Equals(attributes[position].Key, StringComparison.Ordinal);
        value = found ? attributes[position].Value : null;
        return found;
    }

    private static bool Lookup(IReadOnlyList<KeyValuePair<string, object?>> attributes, ReadOnlySpan<char> name, out object? value)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (name.Equals(attributes[i].Key, StringComparison.Ordinal))
            {
                value = attributes[i].Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    // As Microsoft.Extensions.Logging formats an argument: a list as its items joined by ", " (each by its own text,
    // never walked further, so a list that holds itself ends).
    private static string Format(object? value, string? format) => value switch
    {
        null => "(null)",
        string text => text,
        IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
        _ => LogRecordText.ToInvariantString(value),
    };
}
