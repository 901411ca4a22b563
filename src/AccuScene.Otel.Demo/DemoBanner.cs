using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Demo;

/// <summary>The lines the demo prints once it listens: every URL it serves, and the switches that move them.</summary>
internal static class DemoBanner
{
    public static string Text(IEnumerable<string> urls, IConfiguration configuration, DemoArguments demo)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"AccuScene demo: {demo.Rate:0.##} reconstruction(s) per second{(demo.Chaos ? ", chaos on" : string.Empty)}{(demo.Duration is { } d ? $", stops after {d}" : string.Empty)}. Ctrl+C stops it.");
        foreach (var address in urls)
        {
            var root = LocalAddress.Of(address).TrimEnd('/');
            text.AppendLine(CultureInfo.InvariantCulture, $"  Dashboard   {root}/dashboard");
            text.AppendLine(CultureInfo.InvariantCulture, $"  API         {root}/scenes");
            text.AppendLine(CultureInfo.InvariantCulture, $"  Health      {root}/health/ready   {root}/health/live");
            text.AppendLine(CultureInfo.InvariantCulture, $"  Alerts      {root}/alerts   events {root}/events   profiling {root}/profiling");
        }

        var prometheus = configuration.GetSection("AccuScene:Exporters:Prometheus");
        if (prometheus.GetValue<bool>("Enabled"))
        {
            var host = prometheus["Host"] ?? "127.0.0.1";
            var port = prometheus["Port"] ?? "9464";
            var path = prometheus["Path"] ?? "/metrics";
            text.AppendLine(CultureInfo.InvariantCulture, $"  Prometheus  http://{host}:{port}{path}");
        }

        var otlp = configuration["AccuScene:Exporters:Otlp:Endpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        text.AppendLine(string.IsNullOrEmpty(otlp) ? "  OTLP        off (set OTEL_EXPORTER_OTLP_ENDPOINT to send spans, metrics and logs)" : $"  OTLP        {WithoutCredentials(otlp)}");
        text.Append("  Move them with --urls http://127.0.0.1:5081 and --AccuScene:Exporters:Prometheus:Port=9465; --rate N, --chaos and --duration 60s change the run.");
        return text.ToString();
    }

    // An endpoint may carry a user and a token (https://user:token@collector:4318) or a key in its query: the banner
    // shows where it sends, not what it sends with; an endpoint it cannot read is not shown at all.
    private static string WithoutCredentials(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
                + (uri.UserInfo.Length > 0 || uri.Query.Length > 0 ? " (credentials or query not shown)" : string.Empty)
            : "set, but not an absolute URI (not shown)";
}
