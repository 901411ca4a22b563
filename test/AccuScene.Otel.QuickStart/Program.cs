using AccuScene.Otel.Instrumentation.Tracing;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAccuScene();  // traces, metrics, logs, alerts, dashboard; options from the AccuScene section
builder.Services.AddHealthChecks().AddAccuSceneMemoryCheck(degradedBytes: 1L << 30, unhealthyBytes: 2L << 30);
var app = builder.Build();
app.MapAccuSceneHealth();     // /health, /health/live, /health/ready, /health/startup
app.MapAccuSceneAlerts();     // /alerts
app.MapAccuSceneDashboard();  // /dashboard
app.MapGet("/scenes/{id}", (string id) => { using var run = AccuSceneSpans.StartSimulationRun(id, vehicleCount: 2); return id; });
app.Run();                    // OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set
