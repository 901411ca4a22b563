using AccuScene.Otel.Logging;

namespace AccuScene.Otel.Events;

/// <summary>
/// What an event keeps of an attribute value: numbers stay numbers (integers as <see cref="long"/>, the rest as
/// <see cref="double"/>), booleans stay booleans, and anything else becomes invariant text, so the store never
/// holds a caller's object and <c>/events</c> writes numbers as JSON numbers.
/// </summary>
internal static class EventAttributeValue
{
    private static readonly object True = true;
    private static readonly object False = false;

    public static object? Normalize(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? True : False,
        long => value,
        double => value,
        int i => (long)i,
        short s => (long)s,
        sbyte sb => (long)sb,
        byte b => (long)b,
        ushort us => (long)us,
        uint ui => (long)ui,
        ulong ul when ul <= long.MaxValue => (long)ul,
        // Through its shortest text: 0.1f as a double is 0.10000000149011612, which is not what was recorded.
        float f => double.Parse(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture),
        decimal d => (double)d,
        _ => LogRecordText.ToInvariantString(value),
    };
}
