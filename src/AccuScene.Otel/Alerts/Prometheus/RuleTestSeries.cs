using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// The input series of one generated <c>promtool test rules</c> case: series over which the rule's PromQL value is
/// a chosen level from the first full window on. A steady level is a constant (gauges) or a straight line whose
/// slope is the level (counters, histogram counts and sums). For a <see cref="AlertThresholdKind.PercentageChange"/>
/// rule the series grow by a factor <c>g</c> per window instead, so the value is <c>(g - 1) × 100</c> percent.
/// </summary>
internal static class RuleTestSeries
{
    /// <summary>The step of the series and of the test's rule evaluation.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    /// <summary>The series for one instance, or <see langword="null"/> with why the rule cannot be tested this way.</summary>
    /// <param name="rule">The rule.</param>
    /// <param name="instrument">Its instrument.</param>
    /// <param name="labels">The series' labels besides the name (job, instance and the rule's tags).</param>
    /// <param name="level">The value the rule's PromQL must have (its share, for an instance of a fleet).</param>
    /// <param name="growth">The factor per window of a percentage-change rule, else 1.</param>
    /// <param name="samples">How many samples, one per <see cref="Step"/> from 0.</param>
    /// <returns>Each series as promtool's <c>series</c> and <c>values</c>.</returns>
    public static (List<(string Series, string Values)>? Series, string? Unsupported) For(
        AlertRule rule, AlertInstrument instrument, string labels, double level, double growth, int samples)
    {
        var name = PrometheusNaming.MetricName(instrument);
        var w = rule.Window.TotalSeconds;
        var increase = rule.Kind == AlertThresholdKind.RateLimit;
        var aggregation = PromQlTranslator.EffectiveAggregation(rule);
        switch (instrument.Kind)
        {
            case AlertInstrumentKind.Gauge or AlertInstrumentKind.UpDownCounter:
                return ([(Selector(name, labels), Values(samples, t => level * Grow(growth, t, w)))], null);
            case AlertInstrumentKind.Counter when aggregation == AlertAggregation.LastValue && !increase:
                return ([(Selector(name, labels), Values(samples, t => level * Grow(growth, t, w)))], null);
            case AlertInstrumentKind.Counter:
                // rate() is the slope; increase() over the window is the slope times the window.
                var slope = increase ? level / w : level;
                return ([(Selector(name, labels), Values(samples, t => Cumulative(slope, growth, t, w)))], null);
            case AlertInstrumentKind.Histogram when increase:
                return ([(Selector(name + "_count", labels), Values(samples, t => Cumulative(level / w, growth, t, w)))], null);
            case AlertInstrumentKind.Histogram when aggregation == AlertAggregation.Sum:
                // One measurement per second: the sum is read only where there were measurements.
                return ([
                    (Selector(name + "_sum", labels), Values(samples, t => Cumulative(level / w, growth, t, w))),
                    (Selector(name + "_count", labels), Values(samples, t => t)),
                ], null);
            case AlertInstrumentKind.Histogram when aggregation == AlertAggregation.Average:
                // One measurement per second whose mean is the level: the sum grows by the level each second.
                return ([
                    (Selector(name + "_sum", labels), Values(samples, t => Cumulative(level, growth, t, w))),
                    (Selector(name + "_count", labels), Values(samples, t => t)),
                ], null);
            case AlertInstrumentKind.Histogram when aggregation == AlertAggregation.Percentile:
                if (growth != 1)
                {
                    return (null, "a percentage change of a histogram percentile has no steady test series");
                }

                if (level <= 0 || rule.Quantile <= 0)
                {
                    return (null, "a histogram percentile at or below 0, or the quantile 0, has no test series");
                }

                // Every measurement in one bucket (0, U]: histogram_quantile interpolates q × U, the level.
                var upper = level / rule.Quantile;
                var bound = PromQlTranslator.Number(upper);
                return ([
                    (Selector(name + "_bucket", labels + $",le=\"{bound}\""), Values(samples, t => t)),
                    (Selector(name + "_bucket", labels + ",le=\"+Inf\""), Values(samples, t => t)),
                ], null);
            default:
                return (null, $"{aggregation} on a {instrument.Kind.ToString().ToLowerInvariant()} has no test series");
        }
    }

    // A level growing by `growth` per window: 1 when steady.
    private static double Grow(double growth, double t, double window) => growth == 1 ? 1 : Math.Pow(growth, t / window);

    // A counter whose rate over the window ending at t is slope × growth^(t/w) (for growth 1, a straight line).
    private static double Cumulative(double slope, double growth, double t, double window) =>
        growth == 1 ? slope * t : slope * window / (1 - (1 / growth)) * Math.Pow(growth, t / window);

    private static string Selector(string name, string labels) => $"{name}{{{labels}}}";

    private static string Values(int samples, Func<double, double> at)
    {
        var text = new StringBuilder();
        for (var i = 0; i < samples; i++)
        {
            text.Append(i == 0 ? string.Empty : " ").Append(at(i * Step.TotalSeconds).ToString("R", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
