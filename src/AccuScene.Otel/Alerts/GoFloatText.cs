using System.Globalization;

namespace AccuScene.Otel.Alerts;

/// <summary>A value as the exported rules' annotations print it in Prometheus: through Go's <c>printf "%.6g"</c>.</summary>
internal static class GoFloatText
{
    /// <summary>Go's <c>%.6g</c>: .NET's G6 with a lower-case exponent (both drop trailing zeros and write at least two exponent digits).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, as Prometheus writes it (<c>1.5e+09</c>, <c>0.000125</c>, <c>42</c>).</returns>
    public static string G6(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');
}
