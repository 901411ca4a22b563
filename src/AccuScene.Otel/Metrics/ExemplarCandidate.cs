namespace AccuScene.Otel.Metrics;

/// <summary>A measurement made inside a sampled span, as the dashboard and the alerts keep it while they choose one.</summary>
/// <param name="TraceId">The span's trace id.</param>
/// <param name="SpanId">The span's id.</param>
/// <param name="Value">The measurement.</param>
/// <param name="Timestamp">When it was made.</param>
internal readonly record struct ExemplarCandidate(System.Diagnostics.ActivityTraceId TraceId, System.Diagnostics.ActivitySpanId SpanId, double Value, DateTimeOffset Timestamp);
