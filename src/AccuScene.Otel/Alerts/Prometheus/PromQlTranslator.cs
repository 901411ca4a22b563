using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// Translates a rule into a PromQL condition with the same meaning as the engine's evaluation of the metric
/// pipeline (see docs/alerts.md, "PromQL mapping"). A rule reads one value: its matching series merged
/// (counters and up-down counters summed, gauges averaged, histograms merged).
/// </summary>
internal static class PromQlTranslator
{
    /// <summary>The condition, or why the rule has no PromQL equivalent.</summary>
    public static (string? Expression, string? Unsupported) Translate(AlertRule rule, AlertInstrument instrument)
    {
        var value = Value(rule, instrument, offset: null, rule.Kind == AlertThresholdKind.RateLimit);
        if (value.Unsupported is not null)
        {
            return value;
        }

        var v = value.Expression!;
        var t = Number(rule.Threshold);
        var u = Number(rule.UpperThreshold ?? rule.Threshold);
        switch (rule.Kind)
        {
            case AlertThresholdKind.GreaterThan or AlertThresholdKind.RateLimit:
                return ($"{v} > {t}", null);
            case AlertThresholdKind.LessThan:
                return ($"{v} < {t}", null);
            case AlertThresholdKind.Between:
                return ($"({v} >= {t}) and ({v} <= {u})", null);
            case AlertThresholdKind.Outside:
                return ($"({v} < {t}) or ({v} > {u})", null);
            case AlertThresholdKind.PercentageChange:
                var before = Value(rule, instrument, Duration(rule.Window), false).Expression!;
                return ($"(abs({v} - {before}) / abs({before}) * 100 > {t}) and (abs({before}) > 0)", null);
            default:
                return (null, $"the threshold kind {rule.Kind} is not known");
        }
    }

    /// <summary>The aggregation the PromQL reads: a change of the last value compares the window's means.</summary>
    public static AlertAggregation EffectiveAggregation(AlertRule rule) =>
        rule.Kind == AlertThresholdKind.PercentageChange && rule.Aggregation == AlertAggregation.LastValue ? AlertAggregation.Average : rule.Aggregation;

    /// <summary>A Prometheus duration: whole seconds as <c>90s</c>, otherwise milliseconds.</summary>
    public static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(span.TotalMilliseconds)}ms");

    /// <summary>
    /// The step of a gauge's or up-down counter's subquery: about 60 points over the window, at most one a second,
    /// and a whole number of steps in a window of whole seconds, so a window and the one before it (<c>offset</c>)
    /// hold as many points each: 61 s takes 1 s steps, not 2 s ones that would read windows 60 and 62 s apart.
    /// A window that only a step of 3,600 or more points divides keeps the 60.
    /// </summary>
    public static string SubqueryStep(TimeSpan window)
    {
        var target = (long)Math.Max(1, Math.Ceiling(window.TotalSeconds / 60));
        if (window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return Duration(TimeSpan.FromSeconds(target));
        }

        var seconds = (long)window.TotalSeconds;
        for (var step = target; step >= 1; step--)
        {
            if (seconds % step == 0)
            {
                return seconds / step > MaxSubqueryPoints ? Duration(TimeSpan.FromSeconds(target)) : Duration(TimeSpan.FromSeconds(step));
            }
        }

        return Duration(TimeSpan.FromSeconds(target));
    }

    private const long MaxSubqueryPoints = 3_600;

    public static string Number(double value) => value switch
    {
        // PromQL (and promtool's series notation) spell the infinities Inf; .NET's "Infinity" would read as a metric name.
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static (string? Expression, string? Unsupported) Value(AlertRule rule, AlertInstrument instrument, string? offset, bool rateLimit)
    {
        var name = PrometheusNaming.MetricName(instrument);
        var w = Duration(rule.Window);
        var range = offset is null ? $"[{w}]" : $"[{w}] offset {offset}";
        // A subquery's own step: without one Prometheus takes its global evaluation interval (1m by default), aligned
        // to its multiples, so a window shorter than that would hold no point, and one of 60 s a single point.
        var step = SubqueryStep(rule.Window);
        var subquery = offset is null ? $"[{w}:{step}]" : $"[{w}:{step}] offset {offset}";
        var aggregation = EffectiveAggregation(rule);
        // Per instance, the aggregations keep job and instance; for the fleet, job only.
        var by = rule.Scope == AlertScope.Fleet ? "job" : "job, instance";
        string Unsupported(string what) => $"{what} on a {instrument.Kind.ToString().ToLowerInvariant()} has no PromQL equivalent of the engine's meaning";

        switch (instrument.Kind)
        {
            case AlertInstrumentKind.Counter:
                var counter = Selector(name, rule);
                if (rateLimit)
                {
                    return (PromQlExpressions.Increase(by, counter, range), null);
                }

                return aggregation switch
                {
                    AlertAggregation.Rate => (PromQlExpressions.Rate(by, counter, range), null),
                    AlertAggregation.LastValue when offset is null => (PromQlExpressions.Sum(by, counter), null),
                    _ => (null, Unsupported(aggregation.ToString())),
                };
            case AlertInstrumentKind.UpDownCounter or AlertInstrumentKind.Gauge:
                if (rateLimit)
                {
                    return (null, Unsupported("RateLimit"));
                }

                var merged = PromQlExpressions.Aggregate(instrument.Kind == AlertInstrumentKind.Gauge ? "avg" : "sum", by, Selector(name, rule));
                return aggregation switch
                {
                    AlertAggregation.LastValue => ($"{merged}", null),
                    AlertAggregation.Average => ($"avg_over_time({merged}{subquery})", null),
                    AlertAggregation.Percentile => ($"quantile_over_time({Number(rule.Quantile)}, {merged}{subquery})", null),
                    _ => (null, Unsupported(aggregation.ToString())),
                };
            case AlertInstrumentKind.Histogram:
                var count = Selector(name + "_count", rule);
                if (rateLimit)
                {
                    return (PromQlExpressions.Increase(by, count, range), null);
                }

                var sum = Selector(name + "_sum", rule);
                return aggregation switch
                {
                    AlertAggregation.Average => (PromQlExpressions.HistogramMean(by, sum, count, range), null),
                    AlertAggregation.Sum => (PromQlExpressions.HistogramSum(by, sum, count, range), null),
                    AlertAggregation.Percentile => (PromQlExpressions.HistogramQuantile(rule.Quantile, by, Selector(name + "_bucket", rule), range), null),
                    _ => (null, Unsupported(aggregation.ToString())),
                };
            default:
                return (null, Unsupported(instrument.Kind.ToString()));
        }
    }

    private static string Selector(string name, AlertRule rule)
    {
        if (rule.Tags.Count == 0)
        {
            return name;
        }

        var builder = new StringBuilder(name).Append('{');
        var first = true;
        foreach (var (key, value) in rule.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            builder.Append(first ? string.Empty : ",").Append(PrometheusNaming.LabelName(key)).Append("=\"")
                .Append(PromQlExpressions.LabelValue(value))
                .Append('"');
            first = false;
        }

        return builder.Append('}').ToString();
    }
}
