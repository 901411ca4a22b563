namespace AccuScene.Otel.Dashboard;

/// <summary>What a widget draws.</summary>
public enum DashboardWidgetType
{
    /// <summary>A line chart of one or more series over the selected range.</summary>
    Line,

    /// <summary>One big number: the first series' current value.</summary>
    Stat,

    /// <summary>A table: one row per series, or one row per value of <see cref="DashboardWidget.GroupBy"/>.</summary>
    Table,

    /// <summary>The health checks' status indicators.</summary>
    Health,

    /// <summary>Active alerts, each with an acknowledge button.</summary>
    Alerts,

    /// <summary>The most recent events.</summary>
    Events,
}

/// <summary>Which number of a metric a series shows.</summary>
public enum DashboardStat
{
    /// <summary>Counters: the total; up-down counters: the sum; gauges: the mean over series; histograms: the mean measurement.</summary>
    Value,

    /// <summary>Per second: a counter's increase, an up-down counter's change, a histogram's measurements.</summary>
    Rate,

    /// <summary>A histogram's median over the sample interval.</summary>
    P50,

    /// <summary>A histogram's 95th percentile over the sample interval.</summary>
    P95,

    /// <summary>A histogram's 99th percentile over the sample interval.</summary>
    P99,
}

/// <summary>One widget of the layout (<c>AccuScene:Dashboard:Widgets:&lt;n&gt;</c>).</summary>
public sealed class DashboardWidget
{
    /// <summary>Gets or sets the title shown above it. Required.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>Gets or sets what it draws. Default: <see cref="DashboardWidgetType.Line"/>.</summary>
    public DashboardWidgetType Type { get; set; } = DashboardWidgetType.Line;

    /// <summary>Gets or sets the unit shown after its values, for example <c>ms</c> or <c>%</c>.</summary>
    public string? Unit { get; set; }

    /// <summary>Gets the series it shows: 1 to 8 for line, stat and table widgets; none for the others.</summary>
    public List<DashboardSeries> Series { get; } = [];

    /// <summary>
    /// Gets or sets, for a table, a tag key: the table then has one row per value of that tag on the first
    /// series' metric (at most <see cref="AccuSceneDashboardOptions.MaxTableRows"/>).
    /// </summary>
    public string? GroupBy { get; set; }
}

/// <summary>One series of a widget.</summary>
public sealed class DashboardSeries
{
    /// <summary>Gets or sets the metric name as exported (prefix included). Required.</summary>
    public string Metric { get; set; } = string.Empty;

    /// <summary>Gets or sets which number of the metric. Default: <see cref="DashboardStat.Value"/>.</summary>
    public DashboardStat Stat { get; set; } = DashboardStat.Value;

    /// <summary>Gets or sets the legend label. Default: the stat's name.</summary>
    public string? Label { get; set; }

    /// <summary>Gets or sets a factor the page multiplies values by, for example 1000 for seconds shown as ms. Default: 1.</summary>
    public double Scale { get; set; } = 1;

    /// <summary>
    /// Gets, for a stat widget, the metrics whose summed rate this series' rate is divided by, over the last minute:
    /// for example <c>accuscene.cache.hits</c> per hits and misses is the hit ratio of the last minute. At most 4.
    /// Empty (the default): the series shows its stat as it is.
    /// </summary>
    public List<string> Per { get; } = [];
}
