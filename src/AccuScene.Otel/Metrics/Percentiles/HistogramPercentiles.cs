namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// Percentiles of one histogram series (an instrument and one set of tags), each within the sketch's
/// relative error (1% by default) of the exact order statistic; count, min, max and mean are exact.
/// </summary>
/// <param name="Instrument">The instrument name.</param>
/// <param name="Unit">The instrument's unit, or <see langword="null"/>.</param>
/// <param name="Tags">The series' tags, sorted by key.</param>
/// <param name="Count">Measurements recorded.</param>
/// <param name="Min">The smallest value, or NaN when empty.</param>
/// <param name="Max">The largest value, or NaN when empty.</param>
/// <param name="Mean">The mean, or NaN when empty.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
public sealed record HistogramPercentiles(
    string Instrument,
    string? Unit,
    IReadOnlyList<KeyValuePair<string, string?>> Tags,
    long Count,
    double Min,
    double Max,
    double Mean,
    double P50,
    double P90,
    double P95,
    double P99)
{
    /// <summary>Gets the meter of the series, or <see langword="null"/> for a merge of every meter's series of the name.</summary>
    public string? Meter { get; init; }
}
