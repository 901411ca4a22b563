using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Prometheus;
using AccuScene.Otel.Instrumentation.Metrics;

namespace AccuScene.Otel.Demo;

/// <summary><c>export-rules</c>: prints the demo's alert rules as a Prometheus alerting-rules file.</summary>
internal static class ExportRules
{
    public static int Write(IServiceProvider services, TextWriter output)
    {
        if (services.GetService<AccuSceneAlertEngine>() is not { } engine)
        {
            Console.Error.WriteLine("No alert rules are configured (AccuScene:Alerts:Rules).");
            return 1;
        }

        // Create the demo's instruments so their units and kinds are known; ASP.NET Core publishes
        // http.server.request.duration only once it serves, so that one is described here.
        _ = services.GetRequiredService<SimulationMetrics>();
        _ = services.GetRequiredService<DatabaseMetrics>();
        _ = services.GetRequiredService<CacheMetrics>();
        _ = services.GetRequiredService<SystemMetrics>();
        var instruments = AlertInstrument.Published()
            .Where(i => i.Name != "http.server.request.duration")
            .Append(new AlertInstrument("http.server.request.duration", "s", AlertInstrumentKind.Histogram));
        var written = PrometheusAlertRules.Write(engine.Rules, instruments, output);
        return written == engine.Rules.Count ? 0 : 1;
    }
}
