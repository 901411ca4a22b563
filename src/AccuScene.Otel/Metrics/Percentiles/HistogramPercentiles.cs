namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// Percentiles of one histogram series (an instrument and one set of tags), each within the sketch's
/// relative error (1% by default) of the exact order statistic; count, min, max and mean are exact.
/// </summary>
public sealed record HistogramPercentiles
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal HistogramPercentiles(string instrument, string? unit, IReadOnlyList<KeyValuePair<string, string?>> tags, long count, double min, double max, double mean, double p50, double p90, double p95, double p99)
    {
        this.Instrument = instrument;
        this.Unit = unit;
        this.Tags = tags;
        this.Count = count;
        this.Min = min;
        this.Max = max;
        this.Mean = mean;
        this.P50 = p50;
        this.P90 = p90;
        this.P95 = p95;
        this.P99 = p99;
    }

    /// <summary>Gets the instrument name.</summary>
    public string Instrument { get; init; }

    /// <summary>Gets the instrument's unit, or <see langword="null"/>.</summary>
    public string? Unit { get; init; }

    /// <summary>Gets the series' tags, sorted by key.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Tags { get; init; }

    /// <summary>Gets the number of measurements recorded.</summary>
    public long Count { get; init; }

    /// <summary>Gets the smallest value, or NaN when empty.</summary>
    public double Min { get; init; }

    /// <summary>Gets the largest value, or NaN when empty.</summary>
    public double Max { get; init; }

    /// <summary>Gets the mean, or NaN when empty.</summary>
    public double Mean { get; init; }

    /// <summary>Gets the median.</summary>
    public double P50 { get; init; }

    /// <summary>Gets the 90th percentile.</summary>
    public double P90 { get; init; }

    /// <summary>Gets the 95th percentile.</summary>
    public double P95 { get; init; }

    /// <summary>Gets the 99th percentile.</summary>
    public double P99 { get; init; }

    /// <summary>Gets the meter of the series, or <see langword="null"/> for a merge of every meter's series of the name.</summary>
    public string? Meter { get; init; }
}
