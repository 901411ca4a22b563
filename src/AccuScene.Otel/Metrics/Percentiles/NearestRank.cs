namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// The one rank definition of every in-process percentile, the sketch's and the alert engine's alike: the
/// q-quantile of n values is the smallest value with at least q·n of them at or below it (the nearest-rank
/// method; for q = 0, the minimum). With weights, q of the total weight takes the place of q·n.
/// Prometheus' <c>histogram_quantile</c>, and so the bucket fallback, interpolates inside a bucket instead.
/// </summary>
internal static class NearestRank
{
    // 0.95 * 100 is 95.00000000000001 in binary floating point; the rank must still be 95.
    private const double Tolerance = 1e-12;

    /// <summary>The share of <paramref name="total"/> that the cumulative count must reach for <paramref name="quantile"/>.</summary>
    /// <param name="quantile">The quantile; clamped into [0, 1].</param>
    /// <param name="total">The number (or total weight) of values.</param>
    public static double Target(double quantile, double total) => Math.Clamp(quantile, 0, 1) * total * (1 - Tolerance);

    /// <summary>Whether <paramref name="cumulative"/> values at or below the current one reach <paramref name="target"/>.</summary>
    /// <param name="cumulative">Values counted so far, the current one's included.</param>
    /// <param name="current">The current value's own count or weight; a value that holds nothing is never the answer.</param>
    /// <param name="target">From <see cref="Target"/>.</param>
    public static bool Reached(double cumulative, double current, double target) => current > 0 && cumulative >= target;
}
