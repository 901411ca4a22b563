using System.Globalization;
using AccuScene.Otel.Alerts.Prometheus;

namespace AccuScene.Otel.Dashboard.Grafana;

/// <summary>
/// The PromQL of one dashboard series, over the names and expression shapes of the exported alert rules
/// (<see cref="PrometheusNaming"/>, <see cref="PromQlExpressions"/>), filtered by the dashboard's <c>$job</c> and
/// <c>$instance</c> variables and read over Grafana's <c>$__rate_interval</c>.
/// </summary>
internal static class GrafanaQueries
{
    public const string Range = "[$__rate_interval]";

    public const string Filter = "job=~\"$job\",instance=~\"$instance\"";

    /// <summary>The expression, or why the series has none.</summary>
    /// <param name="series">The series.</param>
    /// <param name="instruments">The known instruments by name.</param>
    /// <param name="by">The labels to keep (<c>instance</c> for one line per process, a tag for a table), or empty.</param>
    public static (string? Expression, string? Unsupported) For(DashboardSeries series, IReadOnlyDictionary<string, AlertInstrument> instruments, string by)
    {
        if (!instruments.TryGetValue(series.Metric, out var instrument))
        {
            return (null, $"the instrument '{series.Metric}' is not known, so its Prometheus name is not either");
        }

        var (expression, unsupported) = Value(instrument, series.Stat, by);
        if (expression is null)
        {
            return (null, unsupported);
        }

        if (series.Per.Count > 0)
        {
            // A ratio of rates: this series' rate over the sum of the others'.
            var parts = new List<string>();
            foreach (var per in series.Per)
            {
                if (!instruments.TryGetValue(per, out var other) || Value(other, DashboardStat.Rate, by).Expression is not { } rate)
                {
                    return (null, $"the instrument '{per}' has no rate in Prometheus");
                }

                // A counter that has not counted yet has no series: it adds 0 rather than emptying the ratio.
                parts.Add(by.Length == 0 ? $"({rate} or vector(0))" : rate);
            }

            expression = $"{expression} / ({string.Join(" + ", parts)})";
        }

        // A scale below 1 that is one over a whole number (bytes to MiB) reads better as a division.
        var inverse = 1 / series.Scale;
        return (series.Scale switch
        {
            1 => expression,
            < 1 when inverse == Math.Round(inverse) => $"({expression}) / {PromQlTranslator.Number(inverse)}",
            _ => $"({expression}) * {PromQlTranslator.Number(series.Scale)}",
        }, null);
    }

    /// <summary>The health checks' status per process and check: 2 healthy, 1 degraded, 0 unhealthy.</summary>
    public static string Health(IReadOnlyDictionary<string, AlertInstrument> instruments) =>
        PromQlExpressions.Aggregate(
            "min",
            "instance, accuscene_health_check",
            Selector(instruments.TryGetValue("accuscene.health.status", out var health) ? PrometheusNaming.MetricName(health) : "accuscene_health_status"));

    /// <summary>The alerts Prometheus evaluates from the exported rules, pending and firing.</summary>
    public static string Alerts => "ALERTS{job=~\"$job\"}";

    /// <summary>Grafana's unit id for a widget's unit.</summary>
    public static string Unit(string? unit) => unit switch
    {
        null or "" => "short",
        "ms" => "ms",
        "s" => "s",
        "µs" or "us" => "µs",
        "%" => "percent",
        "B" or "By" => "bytes",
        "KiB" or "KiBy" => "kbytes",
        "MiB" or "MiBy" => "mbytes",
        "GiB" or "GiBy" => "gbytes",
        "/s" or "req/s" => "reqps",
        _ => "suffix:" + (unit.StartsWith('/') ? unit : " " + unit),
    };

    private static (string? Expression, string? Unsupported) Value(AlertInstrument instrument, DashboardStat stat, string by)
    {
        var name = PrometheusNaming.MetricName(instrument);
        var kind = instrument.Kind;
        return (kind, stat) switch
        {
            (AlertInstrumentKind.Counter, DashboardStat.Value) => (PromQlExpressions.Sum(by, Selector(name)), null),
            (AlertInstrumentKind.Counter, DashboardStat.Rate) => (PromQlExpressions.Rate(by, Selector(name), Range), null),
            (AlertInstrumentKind.UpDownCounter, DashboardStat.Value) => (PromQlExpressions.Sum(by, Selector(name)), null),
            (AlertInstrumentKind.UpDownCounter, DashboardStat.Rate) => (PromQlExpressions.Sum(by, $"deriv({Selector(name)}{Range})"), null),
            (AlertInstrumentKind.Gauge, DashboardStat.Value) => (PromQlExpressions.Aggregate("avg", by, Selector(name)), null),
            (AlertInstrumentKind.Histogram, DashboardStat.Value) => (PromQlExpressions.HistogramMean(by, Selector(name + "_sum"), Selector(name + "_count"), Range), null),
            (AlertInstrumentKind.Histogram, DashboardStat.Rate) => (PromQlExpressions.Rate(by, Selector(name + "_count"), Range), null),
            (AlertInstrumentKind.Histogram, DashboardStat.P50) => (PromQlExpressions.HistogramQuantile(0.5, by, Selector(name + "_bucket"), Range), null),
            (AlertInstrumentKind.Histogram, DashboardStat.P95) => (PromQlExpressions.HistogramQuantile(0.95, by, Selector(name + "_bucket"), Range), null),
            (AlertInstrumentKind.Histogram, DashboardStat.P99) => (PromQlExpressions.HistogramQuantile(0.99, by, Selector(name + "_bucket"), Range), null),
            _ => (null, string.Create(CultureInfo.InvariantCulture, $"{stat} of a {kind.ToString().ToLowerInvariant()} has no PromQL form")),
        };
    }

    private static string Selector(string name) => $"{name}{{{Filter}}}";
}
