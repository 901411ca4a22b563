using System.Globalization;

namespace AccuScene.Otel.Instrumentation.Timing;

/// <summary>
/// Durations for people, from nanoseconds to days: <c>812 ns</c>, <c>1.25 ms</c>, <c>3.5 s</c>, <c>2 h 3 min</c>,
/// <c>1 d 4 h</c>; and a parser for configuration values that reads those forms, compact forms such as
/// <c>500ms</c> or <c>2h30min</c>, and <c>hh:mm:ss</c>.
/// </summary>
internal static class HumanDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
        ("min", TimeSpan.TicksPerMinute), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour), ("d", TimeSpan.TicksPerDay),
    ];

    /// <summary>Formats <paramref name="duration"/> with the largest fitting unit (two units from minutes up).</summary>
    /// <param name="duration">The duration; negative values get a leading minus.</param>
    /// <returns>For example <c>1.25 ms</c> or <c>2 h 3 min</c>.</returns>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.MinValue)
        {
            return "-" + Format(TimeSpan.MaxValue);
        }

        if (duration < TimeSpan.Zero)
        {
            return "-" + Format(duration.Duration());
        }

        var ticks = duration.Ticks;
        var c = CultureInfo.InvariantCulture;
        if (ticks < 10)
        {
            return string.Create(c, $"{ticks * 100} ns");
        }

        // Rounded first, so a value that rounds up to the next unit is written in that unit (never "1000 ms").
        if (Rounded(ticks / 10.0) is var micros && micros < 1000)
        {
            return string.Create(c, $"{Text(micros)} µs");
        }

        if (Rounded(duration.TotalMilliseconds) is var millis && millis < 1000)
        {
            return string.Create(c, $"{Text(millis)} ms");
        }

        if (Rounded(duration.TotalSeconds) is var seconds && seconds < 60)
        {
            return string.Create(c, $"{Text(seconds)} s");
        }

        var whole = TimeSpan.FromSeconds(Math.Round(duration.TotalSeconds));
        return whole.Ticks switch
        {
            < TimeSpan.TicksPerHour => Two((int)whole.TotalMinutes, "min", whole.Seconds, "s"),
            < TimeSpan.TicksPerDay => Two((int)whole.TotalHours, "h", whole.Minutes, "min"),
            _ => Two((int)whole.TotalDays, "d", whole.Hours, "h"),
        };
    }

    /// <summary>Parses a duration written by <see cref="Format"/>, in compact form (<c>500ms</c>, <c>2h30min</c>) or as <c>hh:mm:ss</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    /// <returns>Whether the text is a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span.Contains(':') && TimeSpan.TryParse(span, CultureInfo.InvariantCulture, out duration))
        {
            return true;
        }

        // One sign at most, read here rather than by recursion: "--5s" is not a duration, and a long run of
        // signs costs a loop, not a stack frame each.
        var negative = span.StartsWith("-");
        if (negative)
        {
            span = span[1..];
            if (span.IsEmpty || !char.IsAsciiDigit(span[0]) && span[0] != '.')
            {
                return false;
            }
        }

        double total = 0;
        var any = false;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            span = span[numberLength..].TrimStart();
            var unitLength = 0;
            while (unitLength < span.Length && char.IsLetter(span[unitLength]))
            {
                unitLength++;
            }

            var unit = span[..unitLength];
            var match = -1;
            for (var u = 0; u < Units.Length && match < 0; u++)
            {
                match = unit.Equals(Units[u].Unit, StringComparison.Ordinal) ? u : -1;
            }

            if (match < 0)
            {
                return false;
            }

            total += value * Units[match].Ticks;
            any = true;
            span = span[unitLength..].TrimStart();
        }

        if (!any || total > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        var ticks = (long)Math.Round(total);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>, or throws.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not a duration such as 1.25 ms, 500ms, 2 h 3 min or 00:00:05.");

    private static double Rounded(double value) =>
        value >= 100 ? Math.Round(value) : value >= 10 ? Math.Round(value, 1) : Math.Round(value, 2);

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Two(int major, string majorUnit, int minor, string minorUnit) =>
        minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");
}
