using AccuScene.Otel.Alerts.Prometheus;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Dashboard.Grafana;
using AccuScene.Otel.Instrumentation.Metrics;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Demo;

/// <summary><c>export-grafana [--output FILE]</c>: writes the demo's dashboard layout as a Grafana dashboard over Prometheus.</summary>
internal static class ExportGrafana
{
    public static int Write(IServiceProvider services, DemoArguments demo)
    {
        // The layout the in-process page draws: the configured one, else the default with the metrics' name prefix.
        var accuScene = services.GetRequiredService<IOptions<AccuSceneOptions>>().Value;
        var options = accuScene.Dashboard;
        var layout = options.Widgets.Count > 0 ? options.Widgets : DashboardLayout.Create(accuScene.Metrics.NamePrefix);

        // The instruments the layout reads beyond the rules' own: the database's (ASP.NET Core's HTTP ones are described).
        _ = services.GetRequiredService<ApiMetrics>();
        var instruments = ExportRules.Instruments(services)
            .Append(new AlertInstrument("http.client.request.duration", "s", AlertInstrumentKind.Histogram));
        using var output = demo.ExportOutput is { } path ? File.Create(path) : Console.OpenStandardOutput();
        var panels = GrafanaDashboard.Write(layout, instruments, output, options.Title);
        Console.Error.WriteLine($"{panels} panels written{(demo.ExportOutput is { } file ? " to " + file : string.Empty)}.");
        return 0;
    }
}
