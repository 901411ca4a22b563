namespace AccuScene.Otel.Metrics;

/// <summary>
/// Explicit bucket boundaries, in seconds, for durations that start at microseconds: ten buckets per decade (the
/// R10 series, about ×1.26 apart), so <c>histogram_quantile</c>'s straight-line guess inside a bucket is at most a
/// quarter off, however the values fall inside it. OpenTelemetry's own defaults (0, 5, 10, 25 … 10000) are sized
/// for milliseconds and put every duration under five seconds in one bucket.
/// </summary>
internal static class DurationBuckets
{
    /// <summary>1 µs to 1 s: a simulation step.</summary>
    public static readonly double[] MicrosecondToSecond = Series(-6, 0);

    /// <summary>1 µs to 10 s: a profiled scope, a health check run.</summary>
    public static readonly double[] MicrosecondToTenSeconds = Series(-6, 1);

    private static double[] Series(int fromDecade, int toDecade)
    {
        var steps = new[] { 1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8 };
        var result = new List<double>();
        for (var decade = fromDecade; decade < toDecade; decade++)
        {
            foreach (var step in steps)
            {
                result.Add(Math.Round(step * Math.Pow(10, decade), 12));
            }
        }

        result.Add(Math.Pow(10, toDecade));
        return [.. result];
    }
}
