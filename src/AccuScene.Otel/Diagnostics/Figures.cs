using System.Globalization;

namespace AccuScene.Otel.Diagnostics;

/// <summary>Figures for people and dashboards: rounded to a few significant digits, not to the last bit of a double.</summary>
internal static class Figures
{
    /// <summary>The significant digits kept: finer than the 1% percentiles are accurate to.</summary>
    public const int SignificantDigits = 4;

    /// <summary><paramref name="value"/> to <see cref="SignificantDigits"/> significant digits; zero and non-finite values as they are.</summary>
    /// <remarks>
    /// Through decimal text (<c>G4</c>, on the stack): the result is the double nearest to the four-digit decimal, so
    /// it prints as that decimal, with no binary tail at any magnitude (arithmetic scaling leaves 841599999.9999999).
    /// </remarks>
    public static double Round(double value)
    {
        Span<char> text = stackalloc char[32];
        if (value == 0
            || !double.IsFinite(value)
            || !value.TryFormat(text, out var written, "G4", CultureInfo.InvariantCulture)
            || !double.TryParse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out var rounded)
            || !double.IsFinite(rounded))
        {
            return value; // near double's own limits the rounded figure could overflow: the value stays as it is
        }

        return rounded;
    }
}
