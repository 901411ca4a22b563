namespace AccuScene.Otel.Dashboard;

/// <summary>
/// The dashboard's JSON model, schema <c>accuscene.dashboard/v1</c> (documented in <c>docs/dashboard.md</c>).
/// <c>/dashboard/data</c> holds the history of every charted metric over the requested range;
/// each <c>/dashboard/stream</c> update holds the same model with the newest points of that history (the samples of one stream interval, and one more).
/// </summary>
/// <param name="Schema">Always <c>accuscene.dashboard/v1</c>; a breaking change gets a new version.</param>
/// <param name="Title">The page title.</param>
/// <param name="Service">The service name.</param>
/// <param name="GeneratedAt">When the model was built.</param>
/// <param name="Sample">How many samples the dashboard has taken; increases by one per sample.</param>
/// <param name="SampleIntervalSeconds">The finest history resolution.</param>
/// <param name="Range">The history's range: <c>5m</c>, <c>1h</c>, <c>24h</c>, or <c>latest</c> for a stream update.</param>
/// <param name="ResolutionSeconds">The spacing of the history's points.</param>
/// <param name="Layout">The widgets, in page order.</param>
/// <param name="Sections">The data, by section.</param>
/// <param name="Tables">The grouped tables of <see cref="DashboardWidgetType.Table"/> widgets with a group-by tag.</param>
/// <param name="Dropped">What the dashboard could not keep, counted since start.</param>
internal sealed record DashboardModel(
    string Schema,
    string Title,
    string Service,
    DateTimeOffset GeneratedAt,
    long Sample,
    double SampleIntervalSeconds,
    string Range,
    double ResolutionSeconds,
    IReadOnlyList<DashboardWidgetModel> Layout,
    DashboardSections Sections,
    IReadOnlyList<DashboardTable> Tables,
    DashboardDropped Dropped);

/// <summary>A widget as the page draws it.</summary>
/// <param name="Id">Its position-based id, <c>w0</c>, <c>w1</c>, ...</param>
/// <param name="Title">Its title.</param>
/// <param name="Type">line, stat, table, health, alerts or events.</param>
/// <param name="Unit">The unit shown after its values.</param>
/// <param name="GroupBy">A table's group-by tag key.</param>
/// <param name="Series">Its series.</param>
internal sealed record DashboardWidgetModel(string Id, string Title, string Type, string? Unit, string? GroupBy, IReadOnlyList<DashboardSeriesModel> Series);

/// <summary>A widget's series.</summary>
/// <param name="Metric">The metric name.</param>
/// <param name="Stat">value, rate, p50, p95 or p99.</param>
/// <param name="Label">The legend label.</param>
/// <param name="Scale">The factor values are multiplied by for display.</param>
internal sealed record DashboardSeriesModel(string Metric, string Stat, string Label, double Scale)
{
    /// <summary>Gets the metrics whose summed rate the series' rate is divided by, over the last minute; empty for none.</summary>
    public IReadOnlyList<string> Per { get; init; } = [];
}

/// <summary>The model's sections.</summary>
/// <param name="System">Process CPU, memory, sessions and runtime metrics.</param>
/// <param name="Simulation">The simulation metrics.</param>
/// <param name="Database">Database metrics.</param>
/// <param name="Cache">Cache metrics.</param>
/// <param name="Api">HTTP server and API metrics.</param>
/// <param name="Health">Health checks and health metrics.</param>
/// <param name="Alerts">Active alerts.</param>
/// <param name="Events">Recent events.</param>
/// <param name="Other">Every other collected metric.</param>
internal sealed record DashboardSections(
    DashboardMetricSection System,
    DashboardMetricSection Simulation,
    DashboardMetricSection Database,
    DashboardMetricSection Cache,
    DashboardMetricSection Api,
    DashboardHealthSection Health,
    DashboardAlertsSection Alerts,
    DashboardEventsSection Events,
    DashboardMetricSection Other);

/// <summary>A section's metrics, ordered by name.</summary>
/// <param name="Metrics">The metrics.</param>
internal sealed record DashboardMetricSection(IReadOnlyList<DashboardMetric> Metrics);

/// <summary>One metric, merged over all its series. Values that do not apply, or have no data yet, are <see langword="null"/>.</summary>
/// <param name="Name">The metric name.</param>
/// <param name="Unit">Its unit (UCUM), if any.</param>
/// <param name="Kind">counter, updowncounter, gauge or histogram.</param>
/// <param name="Series">How many series (tag sets) it has.</param>
/// <param name="Value">Counters: the total; up-down counters: the sum; gauges: the mean over series; histograms: the mean measurement over the last sample interval.</param>
/// <param name="Rate">Per second over the last sample interval: a counter's increase, an up-down counter's change, a histogram's measurements.</param>
/// <param name="P50">A histogram's median over the last sample interval.</param>
/// <param name="P95">Its 95th percentile.</param>
/// <param name="P99">Its 99th percentile.</param>
/// <param name="Count">A histogram's measurements since start.</param>
/// <param name="History">Its history over the model's range, for charted metrics.</param>
internal sealed record DashboardMetric(
    string Name,
    string? Unit,
    string Kind,
    int Series,
    double? Value,
    double? Rate,
    double? P50,
    double? P95,
    double? P99,
    long? Count,
    DashboardHistory? History)
{
    /// <summary>
    /// Gets where a histogram's percentiles came from: <c>sketch</c> (the in-process sketch, within
    /// <see cref="PercentileRelativeError"/>) or <c>buckets</c> (interpolated inside explicit buckets, as
    /// Prometheus does: approximate); <see langword="null"/> when there are none.
    /// </summary>
    public string? PercentileSource { get; init; }

    /// <summary>Gets the relative error bound of the percentiles when they came from the sketch.</summary>
    public double? PercentileRelativeError { get; init; }

    /// <summary>Gets a histogram's latest p99 exemplar: a measurement at or above a sample's p99 made inside a sampled span.</summary>
    public DashboardExemplar? Exemplar { get; init; }
}

/// <summary>A measurement made inside a sampled span: the link from a latency chart to a trace.</summary>
/// <param name="TraceId">The trace id, 32 lower-case hex digits.</param>
/// <param name="SpanId">The span id, 16 lower-case hex digits.</param>
/// <param name="Value">The measurement, in the metric's unit.</param>
/// <param name="Time">When it was made.</param>
/// <param name="Url"><c>AccuScene:Dashboard:TraceUrlTemplate</c> filled in, or <see langword="null"/> when none is set.</param>
internal sealed record DashboardExemplar(string TraceId, string SpanId, double Value, DateTimeOffset Time, string? Url);

/// <summary>A metric's history in columns: entry <c>i</c> of every array belongs to <c>Time[i]</c>.</summary>
/// <param name="Time">Each point's time, Unix milliseconds (a sample's end, or a downsampled bucket's start).</param>
/// <param name="Value">The value.</param>
/// <param name="Rate">The rate.</param>
/// <param name="P50">The median.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
internal sealed record DashboardHistory(
    IReadOnlyList<long> Time,
    IReadOnlyList<double?> Value,
    IReadOnlyList<double?> Rate,
    IReadOnlyList<double?> P50,
    IReadOnlyList<double?> P95,
    IReadOnlyList<double?> P99);

/// <summary>A table widget's rows, one per value of the group-by tag.</summary>
/// <param name="Widget">The widget id.</param>
/// <param name="Metric">The metric.</param>
/// <param name="GroupBy">The tag key.</param>
/// <param name="Rows">The rows, ordered by label.</param>
internal sealed record DashboardTable(string Widget, string Metric, string GroupBy, IReadOnlyList<DashboardRow> Rows);

/// <summary>A table row.</summary>
/// <param name="Label">The tag value, as text (the page shows it as text, never as markup).</param>
/// <param name="Value">As <see cref="DashboardMetric.Value"/>, over the row's series.</param>
/// <param name="Rate">As <see cref="DashboardMetric.Rate"/>.</param>
/// <param name="Count">A histogram's measurements since start.</param>
internal sealed record DashboardRow(string Label, double? Value, double? Rate, long? Count);

/// <summary>The health section.</summary>
/// <param name="Status">The readiness status (healthy, degraded, unhealthy), or <see langword="null"/> without health checks.</param>
/// <param name="Checks">Each check.</param>
/// <param name="Metrics">The health metrics.</param>
internal sealed record DashboardHealthSection(string? Status, IReadOnlyList<DashboardHealthCheck> Checks, IReadOnlyList<DashboardMetric> Metrics);

/// <summary>A health check.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Status">healthy, degraded, unhealthy, or pending before its first run.</param>
/// <param name="Description">Its last description.</param>
/// <param name="DurationMs">Its last run's duration.</param>
/// <param name="Critical">Whether its failure makes the service unhealthy rather than degraded.</param>
internal sealed record DashboardHealthCheck(string Name, string Status, string? Description, double? DurationMs, bool Critical);

/// <summary>The alerts section.</summary>
/// <param name="Configured">Whether any alert rule is configured.</param>
/// <param name="Active">Pending and firing alerts, most severe first.</param>
internal sealed record DashboardAlertsSection(bool Configured, IReadOnlyList<DashboardAlert> Active);

/// <summary>An active alert.</summary>
/// <param name="Id">Its id, for <c>POST /alerts/{id}/ack</c>.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Severity">low, medium, high or critical.</param>
/// <param name="State">pending or firing.</param>
/// <param name="Value">The value that triggered it.</param>
/// <param name="Since">When it started pending.</param>
/// <param name="Summary">Its summary annotation, if any.</param>
/// <param name="AcknowledgedBy">Who acknowledged it, if anyone.</param>
internal sealed record DashboardAlert(string Id, string Rule, string Severity, string State, double? Value, DateTimeOffset Since, string? Summary, string? AcknowledgedBy);

/// <summary>The events section.</summary>
/// <param name="Recent">The newest events, newest first.</param>
internal sealed record DashboardEventsSection(IReadOnlyList<DashboardEvent> Recent)
{
    /// <summary>
    /// Gets whether the events were left out because the request may not read them: the server listens beyond
    /// loopback and the request did not present <c>AccuScene:Endpoints:ReadToken</c>, as <c>/events</c> requires.
    /// Written only when true.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Withheld { get; init; }
}

/// <summary>An event.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Severity">debug, info, warning, error or critical.</param>
/// <param name="Category">Its category.</param>
/// <param name="Name">Its name.</param>
/// <param name="Message">Its message.</param>
internal sealed record DashboardEvent(DateTimeOffset Time, string Severity, string Category, string Name, string Message);

/// <summary>What the dashboard dropped since start (also counted on <c>accuscene.otel.dashboard.dropped</c>).</summary>
/// <param name="Metrics">Metric samples past <see cref="AccuSceneDashboardOptions.MaxMetrics"/>.</param>
/// <param name="Rows">Points of table rows past <see cref="AccuSceneDashboardOptions.MaxTableRows"/>.</param>
/// <param name="Values">Points left out for a NaN or infinite value.</param>
internal sealed record DashboardDropped(long Metrics, long Rows, long Values);
