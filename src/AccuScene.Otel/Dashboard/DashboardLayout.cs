namespace AccuScene.Otel.Dashboard;

/// <summary>The dashboard's sections and its default AccuScene layout.</summary>
public static class DashboardLayout
{
    /// <summary>
    /// Gets the default widgets: solver throughput (beside the simulated step rate), step time, request rate, cache
    /// hit ratio (the last minute and since start) and health at the top; charts of solver throughput, step-time
    /// percentiles, API latency percentiles and request rate, database latency, cache hit ratio, CPU and
    /// memory; API requests by route; active alerts; recent events.
    /// </summary>
    public static IReadOnlyList<DashboardWidget> Default => Create(null);

    /// <summary>
    /// The default layout for an app whose domain instrument sets export under
    /// <c>AccuScene:Metrics:NamePrefix</c>: <paramref name="prefix"/> comes before each <c>accuscene.*</c> name.
    /// </summary>
    /// <param name="prefix">The name prefix, or <see langword="null"/> for none (then it equals <see cref="Default"/>).</param>
    /// <returns>A new list of new widgets, which the caller may change.</returns>
    public static IReadOnlyList<DashboardWidget> Create(string? prefix)
    {
        var widgets = Widgets();
        if (prefix is { Length: > 0 })
        {
            foreach (var series in widgets.SelectMany(w => w.Series))
            {
                series.Metric = Prefixed(prefix, series.Metric);
                for (var i = 0; i < series.Per.Count; i++)
                {
                    series.Per[i] = Prefixed(prefix, series.Per[i]);
                }
            }
        }

        return widgets;
    }

    private static List<DashboardWidget> Widgets() =>
    [
        Per(
            Widget(
                "Solver steps per second",
                DashboardWidgetType.Stat,
                "steps/s",
                ("accuscene.simulation.fps", DashboardStat.Value, "solver, per second of wall time", 1),
                ("accuscene.simulation.frames", DashboardStat.Rate, "simulated, per simulated second", 1)),
            1,
            "accuscene.simulation.simulated_time"),
        Widget("Step time p95", DashboardWidgetType.Stat, "ms", ("accuscene.simulation.step.duration", DashboardStat.P95, "p95", 1000)),
        Widget("API requests", DashboardWidgetType.Stat, "/s", ("http.server.request.duration", DashboardStat.Rate, "requests", 1)),
        Per(
            Widget(
                "Cache hit ratio",
                DashboardWidgetType.Stat,
                "%",
                ("accuscene.cache.hits", DashboardStat.Rate, "last minute", 100),
                ("accuscene.cache.hit_ratio", DashboardStat.Value, "since start, per-cache mean", 100)),
            0,
            "accuscene.cache.hits",
            "accuscene.cache.misses"),
        Widget("Health", DashboardWidgetType.Health, null),
        Widget("Solver steps per second", DashboardWidgetType.Line, "steps/s", ("accuscene.simulation.fps", DashboardStat.Value, "solver", 1)),
        Widget(
            "Step time",
            DashboardWidgetType.Line,
            "ms",
            ("accuscene.simulation.step.duration", DashboardStat.P50, "p50", 1000),
            ("accuscene.simulation.step.duration", DashboardStat.P95, "p95", 1000),
            ("accuscene.simulation.step.duration", DashboardStat.P99, "p99", 1000)),
        Widget(
            "API latency",
            DashboardWidgetType.Line,
            "ms",
            ("http.server.request.duration", DashboardStat.P50, "p50", 1000),
            ("http.server.request.duration", DashboardStat.P95, "p95", 1000),
            ("http.server.request.duration", DashboardStat.P99, "p99", 1000)),
        Widget("API request rate", DashboardWidgetType.Line, "req/s", ("http.server.request.duration", DashboardStat.Rate, "requests", 1)),
        Widget(
            "Database latency",
            DashboardWidgetType.Line,
            "ms",
            ("db.client.operation.duration", DashboardStat.P50, "p50", 1000),
            ("db.client.operation.duration", DashboardStat.P95, "p95", 1000),
            ("db.client.operation.duration", DashboardStat.P99, "p99", 1000)),
        Widget("Cache hit ratio", DashboardWidgetType.Line, "%", ("accuscene.cache.hit_ratio", DashboardStat.Value, "hit ratio", 100)),
        // process.cpu.time's rate over each sample: CPU seconds per second, as top shows it (100% is one core busy).
        Widget("CPU", DashboardWidgetType.Line, "%", ("process.cpu.time", DashboardStat.Rate, "cpu (100% = one core)", 100)),
        Widget("Memory", DashboardWidgetType.Line, "MiB", ("process.memory.usage", DashboardStat.Value, "working set", 1.0 / (1024 * 1024))),
        GroupedTable("API requests by route", "http.server.request.duration", "http.route"),
        Widget("Active alerts", DashboardWidgetType.Alerts, null),
        Widget("Recent events", DashboardWidgetType.Events, null),
    ];

    /// <summary>The section of a metric by its name (after the configured name prefix, if any).</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="prefix">The configured <c>AccuScene:Metrics:NamePrefix</c>, or <see langword="null"/>.</param>
    /// <returns>system, simulation, database, cache, api, health or other.</returns>
    internal static string SectionOf(string name, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = prefix is { Length: > 0 } && name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
        return bare switch
        {
            _ when Starts(bare, "accuscene.simulation.") => "simulation",
            _ when Starts(bare, "accuscene.db.") || Starts(bare, "db.") => "database",
            _ when Starts(bare, "accuscene.cache.") => "cache",
            _ when Starts(bare, "accuscene.api.") || Starts(bare, "http.server.") || Starts(bare, "kestrel.") || Starts(bare, "aspnetcore.") => "api",
            _ when Starts(bare, "accuscene.health.") => "health",
            _ when Starts(bare, "process.") || Starts(bare, "accuscene.process.") || Starts(bare, "accuscene.sessions.") || Starts(bare, "dotnet.") || Starts(bare, "system.") => "system",
            _ => "other",
        };
    }

    private static bool Starts(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal);

    private static string Prefixed(string prefix, string metric) => Starts(metric, "accuscene.") ? prefix + metric : metric;

    private static DashboardWidget Per(DashboardWidget widget, int series, params string[] per)
    {
        widget.Series[series].Per.AddRange(per);
        return widget;
    }

    private static DashboardWidget Widget(string title, DashboardWidgetType type, string? unit, params (string Metric, DashboardStat Stat, string Label, double Scale)[] series)
    {
        var widget = new DashboardWidget { Title = title, Type = type, Unit = unit };
        widget.Series.AddRange(series.Select(s => new DashboardSeries { Metric = s.Metric, Stat = s.Stat, Label = s.Label, Scale = s.Scale }));
        return widget;
    }

    private static DashboardWidget GroupedTable(string title, string metric, string groupBy)
    {
        var widget = Widget(title, DashboardWidgetType.Table, null, (metric, DashboardStat.Rate, "req/s", 1), (metric, DashboardStat.Value, "mean ms", 1000));
        widget.GroupBy = groupBy;
        return widget;
    }
}
