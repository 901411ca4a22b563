namespace AccuScene.Otel;

/// <summary>
/// Explicit bucket boundaries, in seconds, for duration histograms: OpenTelemetry's own defaults (0, 5, 10, 25 …
/// 10000) are sized for milliseconds and put every duration under five seconds in one bucket. Compiled into the
/// instrumentation library, which gives them as each instrument's advice (so any OpenTelemetry SDK buckets it
/// well), and into the SDK, whose views apply them to the instruments of other libraries too.
/// </summary>
internal static class HistogramBoundaries
{
    /// <summary>What the semantic conventions advise for <c>http.server.request.duration</c>.</summary>
    public static readonly double[] HttpRequestDuration = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>What the semantic conventions advise for <c>db.client.operation.duration</c>.</summary>
    public static readonly double[] DatabaseOperationDuration = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    /// <summary>
    /// 1 µs to 1 s, ten buckets per decade (the R10 series, about ×1.26 apart), so <c>histogram_quantile</c>'s
    /// straight-line guess inside a bucket is at most a quarter off: a simulation step.
    /// </summary>
    public static readonly double[] MicrosecondToSecond = Series(-6, 0);

    /// <summary>1 µs to 10 s, as <see cref="MicrosecondToSecond"/>: a profiled scope, a health check run.</summary>
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
