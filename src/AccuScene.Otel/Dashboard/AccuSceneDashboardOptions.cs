using System.ComponentModel.DataAnnotations;
using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel;

/// <summary>The live dashboard (<c>AccuScene:Dashboard</c>): its sampling, bounds and layout.</summary>
public sealed class AccuSceneDashboardOptions
{
    /// <summary>Gets or sets a value indicating whether the dashboard's reader is added to the metric pipeline. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the page title. Default: <c>AccuScene</c>.</summary>
    public string Title { get; set; } = "AccuScene";

    /// <summary>
    /// Gets or sets how often the dashboard's reader collects the metrics, in milliseconds. It is the finest
    /// history resolution; 10 s and 1 min resolutions are kept as well. Default: 1000.
    /// </summary>
    [Range(250, 10_000)]
    public int SampleIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Gets or sets how often <c>/dashboard/stream</c> pushes an update, in milliseconds. Default: 1000.</summary>
    [Range(250, 60_000)]
    public int StreamIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Gets or sets how many open <c>/dashboard/stream</c> connections are served at once; more are refused with 503. Default: 32.</summary>
    [Range(1, 1000)]
    public int MaxStreams { get; set; } = 32;

    /// <summary>
    /// Gets or sets how many metrics the dashboard keeps (current values and history). Metrics past
    /// it are dropped and counted on <c>accuscene.otel.dashboard.dropped{what=metric}</c>. Default: 200.
    /// </summary>
    [Range(1, 1000)]
    public int MaxMetrics { get; set; } = 200;

    /// <summary>
    /// Gets or sets how many rows a table widget keeps. Points of other tag values are counted on
    /// <c>accuscene.otel.dashboard.dropped{what=row}</c>. Default: 50.
    /// </summary>
    [Range(1, 1000)]
    public int MaxTableRows { get; set; } = 50;

    /// <summary>Gets or sets how many recent events (Info and above) the dashboard shows. Default: 20.</summary>
    [Range(0, 200)]
    public int RecentEvents { get; set; } = 20;

    /// <summary>
    /// Gets or sets where a latency chart's p99 exemplar links: an absolute http(s) URL in which <c>{trace_id}</c>
    /// (required) and <c>{span_id}</c> are replaced, at most 2048 characters. For the Aspire Dashboard:
    /// <c>http://localhost:18888/traces/detail/{trace_id}</c>. Default: none (the trace id is shown, not linked).
    /// </summary>
    public string? TraceUrlTemplate { get; set; }

    /// <summary>
    /// Gets the widgets in page order. Empty (the default) means the AccuScene layout documented in
    /// <c>docs/dashboard.md</c> (<see cref="DashboardLayout.Default"/>).
    /// </summary>
    public List<DashboardWidget> Widgets { get; } = [];
}
