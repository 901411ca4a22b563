namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>A quantile from explicit-bucket counts, interpolated linearly inside the bucket as Prometheus' <c>histogram_quantile</c> does.</summary>
internal static class BucketQuantile
{
    /// <param name="bounds">The explicit upper bounds; the last bucket (+Inf) has none.</param>
    /// <param name="counts">Counts per bucket (not cumulative across buckets), one more than <paramref name="bounds"/>.</param>
    /// <param name="quantile">The quantile, 0 to 1.</param>
    /// <returns>The estimate, or <see langword="null"/> when the counts are empty.</returns>
    public static double? Interpolate(double[] bounds, ReadOnlySpan<double> counts, double quantile)
    {
        var total = 0.0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total <= 0)
        {
            return null;
        }

        var rank = Math.Clamp(quantile, 0, 1) * total;
        var seen = 0.0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (seen + counts[i] >= rank && counts[i] > 0)
            {
                if (i >= bounds.Length)
                {
                    return bounds.Length > 0 ? bounds[^1] : null; // in the +Inf bucket: its lower bound
                }

                var lower = i == 0 ? Math.Min(0, bounds[0]) : bounds[i - 1];
                return lower + ((bounds[i] - lower) * (rank - seen) / counts[i]);
            }

            seen += counts[i];
        }

        return bounds.Length > 0 ? bounds[^1] : null;
    }
}
