namespace AccuScene.Otel.Diagnostics;

/// <summary>Figures for people and dashboards: rounded to a few significant digits, not to the last bit of a double.</summary>
internal static class Figures
{
    /// <summary>The significant digits kept: finer than the 1% percentiles are accurate to.</summary>
    public const int SignificantDigits = 4;

    /// <summary><paramref name="value"/> to <see cref="SignificantDigits"/> significant digits; zero and non-finite values as they are.</summary>
    public static double Round(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = SignificantDigits - 1 - magnitude;
        if (decimals is >= 0 and <= 15)
        {
            return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        }

        // Far outside everyday magnitudes (near double's own limits) rounding could overflow: the value stays as it is.
        var factor = Math.Pow(10, decimals);
        var rounded = Math.Round(value * factor, MidpointRounding.AwayFromZero) / factor;
        return double.IsFinite(factor) && double.IsFinite(rounded) && rounded != 0 ? rounded : value;
    }
}
