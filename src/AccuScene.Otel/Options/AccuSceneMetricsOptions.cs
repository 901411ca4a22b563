namespace AccuScene.Otel;

/// <summary>Metric collection and export (<c>AccuScene:Metrics</c>).</summary>
public sealed class AccuSceneMetricsOptions
{
    /// <summary>
    /// Gets or sets how often push exporters (OTLP, console) export, in milliseconds, 100 to 3600000.
    /// Default: <c>OTEL_METRIC_EXPORT_INTERVAL</c>, else 60000.
    /// </summary>
    public int? ExportIntervalMilliseconds { get; set; }
}
