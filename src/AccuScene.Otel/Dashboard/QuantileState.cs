using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Dashboard;

/// <summary>
/// A histogram's cumulative state at one moment: the in-process sketch's snapshot when the instrument has
/// one (1% relative error), or else the OpenTelemetry buckets. The difference of two states gives the
/// percentiles of what was recorded between them.
/// </summary>
internal sealed class QuantileState
{
    private readonly Snapshot? _sketch;
    private readonly double[]? _buckets;

    private QuantileState(Snapshot? sketch, double[]? buckets)
    {
        _sketch = sketch;
        _buckets = buckets;
    }

    /// <summary>Gets <c>sketch</c> or <c>buckets</c>.</summary>
    public string Source => _sketch is null ? PercentileSources.Buckets : PercentileSources.Sketch;

    /// <summary>Gets the sketch's relative error bound, or <see langword="null"/> for buckets.</summary>
    public double? RelativeError => _sketch?.Mapping.RelativeAccuracy;

    public static QuantileState FromSketch(Snapshot sketch) => new(sketch, null);

    /// <param name="cumulative">Cumulative counts per bucket; copied.</param>
    public static QuantileState FromBuckets(double[] cumulative) => new(null, [.. cumulative]);

    /// <summary>The p50, p95 and p99 of what was recorded after <paramref name="baseline"/> (NaN when nothing was).</summary>
    /// <remarks>
    /// A baseline of the other source (the sketch then the buckets, when a second meter without a sketch joins a
    /// name), of another bucket layout, or of the sketch over other instruments (a meter disposed and created again)
    /// cannot be subtracted: NaN, rather than everything since start or the difference of two unrelated sketches.
    /// Without a baseline (the first sample), everything recorded so far is the window.
    /// </remarks>
    public (double P50, double P95, double P99) Since(QuantileState? baseline, double[] bounds)
    {
        if (baseline is not null && ((baseline._sketch is null) != (_sketch is null) || baseline._buckets?.Length != _buckets?.Length))
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        if (_sketch is { } sketch)
        {
            if (baseline?._sketch is { } before && !sketch.SameSources(before))
            {
                return (double.NaN, double.NaN, double.NaN);
            }

            var window = baseline?._sketch is { } earlier ? sketch.Minus(earlier) : sketch;
            return window.Count == 0
                ? (double.NaN, double.NaN, double.NaN)
                : (window.Quantile(0.5), window.Quantile(0.95), window.Quantile(0.99));
        }

        if (_buckets is not { } buckets)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        Span<double> counts = buckets.Length <= 128 ? stackalloc double[buckets.Length] : new double[buckets.Length];
        var earlierBuckets = baseline?._buckets;
        for (var i = 0; i < buckets.Length; i++)
        {
            counts[i] = Math.Max(buckets[i] - (earlierBuckets?[i] ?? 0), 0);
        }

        return (
            BucketQuantile.Interpolate(bounds, counts, 0.5) ?? double.NaN,
            BucketQuantile.Interpolate(bounds, counts, 0.95) ?? double.NaN,
            BucketQuantile.Interpolate(bounds, counts, 0.99) ?? double.NaN);
    }
}
