using AccuScene.Otel.Instrumentation;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Dashboard;

/// <summary>Builds the dashboard's model: the layout, the metrics, and the health, alerts and events sections.</summary>
internal sealed partial class AccuSceneDashboard
{
    // A check's description may hold an exception message and an address: withheld where the events are, as the
    // health probes withhold it.
    private static DashboardHealthSection WithoutDescriptions(DashboardHealthSection health, bool withhold) =>
        withhold ? health with { Checks = [.. health.Checks.Select(c => c with { Description = null })] } : health;

    /// <summary>Gets a value indicating whether <c>AccuScene:Dashboard:Enabled</c> is on: off, the endpoints answer 404 rather than an empty page.</summary>
    internal bool Enabled => _options.Enabled;

    private DashboardModel Build(DashboardRange range, bool latestOnly, bool withholdEvents)
    {
        var level = range switch
        {
            DashboardRange.OneHour => 1,
            DashboardRange.OneDay => 2,
            _ => 0,
        };
        List<(string Section, DashboardMetric Metric)> metrics;
        List<DashboardTable> tables;
        HashSet<string> present;
        long sample;
        DashboardDropped dropped;

        // A stream update carries the points sampled since the one before (every sample of a stream interval, plus
        // one to overlap): with samples more frequent than updates, the newest point alone would leave most out.
        var latest = latestOnly ? (int)Math.Ceiling(_options.StreamIntervalMilliseconds / (double)_options.SampleIntervalMilliseconds) + 1 : 0;
        lock (_gate)
        {
            metrics = [.. _metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (m.Section, ToModel(m, _chartedMetrics.Contains(m.Name), level, latest) with { Exemplar = DashboardExemplarLink.ToModel(m.P99Exemplar, _options.TraceUrlTemplate) }))];
            tables = [.. _tables.Values.SelectMany(t => t).OrderBy(t => t.Widget, StringComparer.Ordinal).Select(ToModel)];
            // A table's metric counts once it has rows: its aggregate is made up front, exported or not.
            present = [.. _metrics.Keys, .. _tables.Where(t => t.Value.Any(table => table.Rows.Any())).Select(t => t.Key)];
            sample = _samples;
            dropped = new DashboardDropped(_droppedMetrics, _droppedRows, _droppedValues);
        }

        // The default layout shows what the app has: a metric widget appears once one of its metrics was exported
        // (HTTP, runtime and process ones in any app; the simulation, database and cache ones where those instrument
        // sets are used). A layout the app configured is shown whole. Ids stay those of the full layout.
        var layout = this.Widgets
            .Select((w, i) => (Widget: w, Id: WidgetId(i)))
            .Where(x => _options.Widgets.Count > 0
                || x.Widget.Type is DashboardWidgetType.Health or DashboardWidgetType.Alerts or DashboardWidgetType.Events
                || x.Widget.Series.Any(s => present.Contains(s.Metric)))
            .Select(x => new DashboardWidgetModel(
                x.Id,
                x.Widget.Title,
                Lower(x.Widget.Type.ToString()),
                x.Widget.Unit,
                x.Widget.GroupBy,
                [.. x.Widget.Series.Select(s => new DashboardSeriesModel(s.Metric, Lower(s.Stat.ToString()), s.Label ?? Lower(s.Stat.ToString()), s.Scale) { Per = [.. s.Per] })]))
            .ToList();

        List<DashboardMetric> In(string section) => [.. metrics.Where(m => m.Section == section).Select(m => m.Metric)];

        var sections = new DashboardSections(
            new DashboardMetricSection(In("system")),
            new DashboardMetricSection(In("simulation")),
            new DashboardMetricSection(In("database")),
            new DashboardMetricSection(In("cache")),
            new DashboardMetricSection(In("api")),
            WithoutDescriptions(_services?.GetService<IDashboardHealthSource>()?.Read(In("health")) ?? new DashboardHealthSection(null, [], In("health")), withholdEvents),
            _services?.GetService<IDashboardAlertsSource>()?.Read() ?? new DashboardAlertsSection(false, []),
            withholdEvents ? new DashboardEventsSection([]) { Withheld = true }
                : _options.RecentEvents > 0 && _services?.GetService<IDashboardEventsSource>() is { } events ? events.Read(_options.RecentEvents) : new DashboardEventsSection([]),
            new DashboardMetricSection(In("other")));
        var levelSpec = _levels[level];
        return new DashboardModel(
            "accuscene.dashboard/v1",
            _options.Title,
            this.Service,
            this.Time.GetUtcNow(),
            sample,
            _levels[0].Step.TotalSeconds,
            latestOnly ? "latest" : range switch { DashboardRange.OneHour => "1h", DashboardRange.OneDay => "24h", _ => "5m" },
            levelSpec.Step.TotalSeconds,
            layout,
            sections,
            tables,
            dropped);
    }

    // newest: how many of the newest points of the history to carry; 0 for all of it.
    private static DashboardMetric ToModel(MetricAggregate m, bool charted, int level, int newest)
    {
        var latest = m.Latest;
        DashboardHistory? history = null;
        if (charted)
        {
            var ring = m.History(level);
            var from = newest > 0 ? Math.Max(ring.Count - newest, 0) : 0;
            var points = new DashboardPoint[ring.Count - from];
            for (var i = 0; i < points.Length; i++)
            {
                points[i] = ring[from + i];
            }

            history = new DashboardHistory(
                [.. points.Select(p => p.UnixMilliseconds)],
                [.. points.Select(p => N(p.Value))],
                [.. points.Select(p => N(p.Rate))],
                [.. points.Select(p => N(p.P50))],
                [.. points.Select(p => N(p.P95))],
                [.. points.Select(p => N(p.P99))]);
        }

        var histogram = m.Kind == DashboardMetricKind.Histogram;
        return new DashboardMetric(
            m.Name,
            m.Unit,
            Lower(m.Kind.ToString()),
            m.Series,
            N(latest.Value),
            N(latest.Rate),
            histogram ? N(latest.P50) : null,
            histogram ? N(latest.P95) : null,
            histogram ? N(latest.P99) : null,
            histogram ? m.HistogramCount : null,
            history)
        {
            PercentileSource = histogram ? m.PercentileSource : null,
            PercentileRelativeError = histogram ? m.PercentileRelativeError : null,
        };
    }

    private static DashboardTable ToModel(TableAggregate table) => new(
        table.Widget,
        table.Metric,
        table.GroupBy,
        [.. table.Rows.OrderBy(r => r.Label, StringComparer.Ordinal).Select(r => new DashboardRow(r.Label, N(r.Value), N(r.Rate), r.Count))]);
}
