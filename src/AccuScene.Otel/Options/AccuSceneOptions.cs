namespace AccuScene.Otel;

/// <summary>
/// The single options tree of AccuScene.Otel, bound from the configuration section
/// <see cref="SectionName"/> (environment variables <c>AccuScene__...</c>). Every value is validated at
/// start-up; see <c>docs/configuration.md</c> for each key, its default and its allowed range.
/// </summary>
public sealed class AccuSceneOptions
{
    /// <summary>The configuration section: <c>AccuScene</c>.</summary>
    public const string SectionName = "AccuScene";

    /// <summary>Gets the service identity written to the resource.</summary>
    public AccuSceneServiceOptions Service { get; } = new();

    /// <summary>Gets where telemetry goes: console and OTLP.</summary>
    public AccuSceneExporterOptions Exporters { get; } = new();

    /// <summary>Gets how ILogger records become OpenTelemetry logs.</summary>
    public AccuSceneLoggingOptions Logging { get; } = new();

    /// <summary>Gets how metrics are collected and exported.</summary>
    public AccuSceneMetricsOptions Metrics { get; } = new();

    /// <summary>Gets sampling, sources and propagation of traces.</summary>
    public AccuSceneTracingOptions Tracing { get; } = new();

    /// <summary>Gets the alerting rules and their evaluation.</summary>
    public AccuSceneAlertsOptions Alerts { get; } = new();

    /// <summary>Gets how structured events are captured and kept.</summary>
    public AccuSceneEventsOptions Events { get; } = new();

    /// <summary>Gets how the profiler bounds the scope names it keeps.</summary>
    public AccuSceneProfilingOptions Profiling { get; } = new();

    /// <summary>Gets what the SDK's read endpoints require beyond loopback.</summary>
    public AccuSceneEndpointsOptions Endpoints { get; } = new();

    /// <summary>Gets how health checks are scheduled and served.</summary>
    public AccuSceneHealthOptions Health { get; } = new();

    /// <summary>Gets the live dashboard's options.</summary>
    public AccuSceneDashboardOptions Dashboard { get; } = new();

    /// <summary>Gets which attribute keys are masked in logs and spans.</summary>
    public AccuSceneRedactionOptions Redaction { get; } = new();
}
