namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>Where a reported percentile came from, as <c>percentile_source</c> writes it.</summary>
internal static class PercentileSources
{
    /// <summary>The in-process sketch: within its relative error bound of the exact value.</summary>
    public const string Sketch = "sketch";

    /// <summary>Interpolated inside explicit histogram buckets, as Prometheus' <c>histogram_quantile</c> does: approximate.</summary>
    public const string Buckets = "buckets";
}
