using System.ComponentModel.DataAnnotations;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel;

/// <summary>Metric collection and export (<c>AccuScene:Metrics</c>).</summary>
public sealed class AccuSceneMetricsOptions
{
    /// <summary>
    /// Gets or sets how often push exporters (OTLP, console) export, in milliseconds.
    /// Default: <c>OTEL_METRIC_EXPORT_INTERVAL</c>, else OpenTelemetry's own defaults: 60000 for OTLP, 10000 for the console.
    /// </summary>
    [Range(100, 3_600_000)]
    public int? ExportIntervalMilliseconds { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every <c>accuscene.*</c> instrument name of the domain instrument sets
    /// registered in DI, for example <c>lab.</c>; semantic-convention names are never prefixed. A lower-case
    /// letter, then lower-case letters, digits, <c>_</c> and <c>.</c>, at most 32 characters. Default: none.
    /// </summary>
    public string? NamePrefix { get; set; }

    /// <summary>Gets or sets a value indicating whether the runtime's <c>System.Runtime</c> meter is collected. Default: <see langword="true"/>.</summary>
    public bool CollectRuntime { get; set; } = true;

    /// <summary>
    /// Gets or sets which measurements may become exemplars: <see cref="ExemplarFilterType.TraceBased"/> keeps
    /// measurements made inside a sampled span, so a latency bucket, an alert or a dashboard chart links to the
    /// trace behind it; <see cref="ExemplarFilterType.AlwaysOff"/> turns exemplars off. Default: unset, which is
    /// <c>OTEL_METRICS_EXEMPLAR_FILTER</c> when that variable is set, else <see cref="ExemplarFilterType.TraceBased"/>.
    /// </summary>
    public ExemplarFilterType? ExemplarFilter { get; set; }

    /// <summary>
    /// Gets explicit histogram bucket boundaries per instrument name (as exported, prefix included),
    /// applied as views. They replace the defaults documented in <c>docs/metrics.md</c>; each list must be
    /// finite, strictly increasing and at most 64 long; at most 64 instruments.
    /// </summary>
    public Dictionary<string, double[]> HistogramBoundaries { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets which histograms get in-process percentiles besides the AccuScene meters' own (<c>AccuScene:Metrics:Percentiles</c>).</summary>
    public AccuScenePercentilesOptions Percentiles { get; } = new();
}

/// <summary>
/// The in-process percentile sketch (<c>AccuScene:Metrics:Percentiles</c>). Every histogram on an AccuScene meter
/// has one; these settings add histograms of other meters by name.
/// </summary>
public sealed class AccuScenePercentilesOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the standard latency histograms get percentiles on any meter:
    /// <c>http.server.request.duration</c>, <c>http.client.request.duration</c> and <c>db.client.operation.duration</c>.
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool StandardInstruments { get; set; } = true;

    /// <summary>Gets further histogram names that get percentiles on any meter (limits: <c>docs/configuration.md</c>).</summary>
    public List<string> Instruments { get; } = [];
}
