namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// The PromQL shapes shared by the exported alert rules and the exported Grafana dashboard, over the names
/// <see cref="PrometheusNaming"/> gives: one place decides how a rate, a mean or a percentile of an instrument is read.
/// </summary>
internal static class PromQlExpressions
{
    /// <summary>A label value as PromQL and the test series' notation quote it: backslash, quote and newline escaped.</summary>
    public static string LabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary><c>sum by (by) (inner)</c>, or <c>sum(inner)</c> when <paramref name="by"/> is empty.</summary>
    public static string Sum(string by, string inner) => Aggregate("sum", by, inner);

    /// <summary><c>op by (by) (inner)</c>, or <c>op(inner)</c> when <paramref name="by"/> is empty.</summary>
    public static string Aggregate(string op, string by, string inner) => by.Length == 0 ? $"{op}({inner})" : $"{op} by ({by}) ({inner})";

    /// <summary>A counter's per-second rate, summed.</summary>
    public static string Rate(string by, string counter, string range) => Sum(by, $"rate({counter}{range})");

    /// <summary>A counter's increase over the range, summed.</summary>
    public static string Increase(string by, string counter, string range) => Sum(by, $"increase({counter}{range})");

    /// <summary>
    /// The sum of a histogram's measurements over the range, only where there were some: with none, the engine has
    /// no value (a stalled histogram is no sum of 0), so a <c>LessThan</c> rule must not fire on 0 in Prometheus either.
    /// </summary>
    public static string HistogramSum(string by, string sum, string count, string range) => $"({Increase(by, sum, range)} and {Increase(by, count, range)} > 0)";

    /// <summary>A histogram's mean measurement over the range: the rate of its sum over the rate of its count.</summary>
    public static string HistogramMean(string by, string sum, string count, string range) => $"({Rate(by, sum, range)} / {Rate(by, count, range)})";

    /// <summary>A histogram's quantile over the range, from its buckets merged per <paramref name="by"/>.</summary>
    public static string HistogramQuantile(double quantile, string by, string bucket, string range) =>
        $"histogram_quantile({PromQlTranslator.Number(quantile)}, {Sum(by.Length == 0 ? "le" : by + ", le", $"rate({bucket}{range})")})";
}
