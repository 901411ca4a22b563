using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Alerts;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Fleet;

/// <summary>
/// A fleet started here, as docs/fleet.md starts it: three demo replicas under chaos on their own ports, each
/// exporting by OTLP to a real Aspire Dashboard and sending its in-process alerts to a real Alertmanager; one real
/// Prometheus scrapes them with exemplar storage, evaluates the exported rules and sends to the same Alertmanager.
/// </summary>
[NonParallelizable]
public class FleetTests
{
    private const int Replicas = 3;

    [Test]
    [CancelAfter(300_000)]
    public async Task ThreeReplicas_HandOverToPrometheusAlertmanagerAndGrafana_WithExemplarsThatReachTheTrace(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        void Progress(string what) => TestContext.Progress.WriteLine($"[fleet {started.Elapsed.TotalSeconds,5:F0} s] {what}");
        var service = "accuscene-fleet-" + Guid.NewGuid().ToString("N")[..8];
        var rules = await DemoAlertsTests.ExportRulesAsync(cancellationToken);
        var grafana = await ExportGrafanaAsync(cancellationToken);
        using var aspire = await AspireDashboard.StartAsync(cancellationToken);
        using var alertmanager = await AlertmanagerServer.StartAsync(cancellationToken);
        var replicas = new List<(ServerProcess Process, int HttpPort, int PrometheusPort, string Instance)>();
        try
        {
            for (var i = 1; i <= Replicas; i++)
            {
                var instance = $"replica-{i}";
                var (process, httpPort, prometheusPort) = DemoProcess.Start(
                    "240s",
                    new Dictionary<string, string>
                    {
                        ["OTEL_SERVICE_NAME"] = service,
                        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = aspire.GrpcEndpoint.ToString(),
                        ["AccuScene__Service__InstanceId"] = instance,
                        ["AccuScene__Alerts__Alertmanager__Url"] = alertmanager.Url.ToString(),
                        ["AccuScene__Alerts__Alertmanager__ResendInterval"] = "00:00:05",
                    },
                    ["--chaos"]);
                replicas.Add((process, httpPort, prometheusPort, instance));
            }

            Progress($"{Replicas} replicas of {service} started on {string.Join(", ", replicas.Select(r => $"{r.Instance} http {r.HttpPort} metrics {r.PrometheusPort}"))}");
            using var prometheus = await PrometheusServer.StartFleetAsync(service, [.. replicas.Select(r => ($"127.0.0.1:{r.PrometheusPort}", r.Instance))], rules, alertmanager.Url, cancellationToken);
            var up = await AspireDashboard.WaitForAsync(() => prometheus.QueryAsync($"up{{job=\"{service}\"}} == 1", cancellationToken), r => r.Count == Replicas, TimeSpan.FromSeconds(60), cancellationToken);
            Assert.That(up.Select(u => u.Labels["instance"]), Is.EquivalentTo(replicas.Select(r => r.Instance)), "Prometheus scrapes every replica under its instance label");
            Progress("Prometheus scrapes all three replicas");

            // 1. Exemplars: Prometheus keeps them from the OpenMetrics scrape, and each names a trace Aspire holds.
            var exemplars = await AspireDashboard.WaitForAsync(
                () => prometheus.QueryExemplarsAsync($"http_server_request_duration_seconds_bucket{{job=\"{service}\"}}", TimeSpan.FromMinutes(5), cancellationToken),
                e => e.Select(x => x.Series["instance"]).Distinct().Count() == Replicas,
                TimeSpan.FromSeconds(90),
                cancellationToken);
            var traceIds = exemplars.Select(e => e.Labels.GetValueOrDefault("trace_id")).OfType<string>().ToHashSet();
            Progress($"Prometheus holds {exemplars.Count} exemplars of http_server_request_duration_seconds_bucket from {exemplars.Select(x => x.Series["instance"]).Distinct().Count()} replicas");
            Assert.That(traceIds, Is.Not.Empty, "the latency buckets carry exemplars with a trace_id");
            async Task<List<OtlpSpan>> FleetSpansAsync()
            {
                var all = new List<OtlpSpan>();
                foreach (var replica in replicas)
                {
                    all.AddRange(await aspire.GetSpansOfInstanceAsync(service, replica.Instance, cancellationToken));
                }

                return all;
            }

            var spans = await AspireDashboard.WaitForAsync(
                FleetSpansAsync,
                s => s.Any(span => traceIds.Contains(span.TraceId)),
                TimeSpan.FromSeconds(60),
                cancellationToken);
            var linked = spans.Where(s => traceIds.Contains(s.TraceId)).Select(s => s.TraceId).Distinct().ToList();
            Progress($"Aspire holds {linked.Count} of the {traceIds.Count} exemplar traces, for example {linked.FirstOrDefault()} ({spans.FirstOrDefault(s => s.TraceId == linked.FirstOrDefault())?.Name})");
            Assert.That(linked, Is.Not.Empty, "an exemplar's trace_id is a trace the Aspire Dashboard holds");

            // 2. Every Grafana panel query returns data from this Prometheus (rate interval 1m, variables .*).
            var queries = GrafanaQueries(grafana);
            Assert.That(queries, Has.Count.GreaterThan(10), "the Grafana export's panels hold queries (else the check below holds for none)");
            var empty = queries.ToList();
            while (empty.Count > 0 && started.Elapsed < TimeSpan.FromSeconds(230))
            {
                var stillEmpty = new List<(string Panel, string Expression)>();
                foreach (var (panel, expression) in empty)
                {
                    if ((await prometheus.QueryAsync(expression, cancellationToken)).Count == 0)
                    {
                        stillEmpty.Add((panel, expression));
                    }
                }

                empty = stillEmpty;
                await Task.Delay(empty.Count > 0 ? 2000 : 0, cancellationToken);
            }

            Progress($"{queries.Count - empty.Count} of {queries.Count} Grafana panel queries return data");
            Assert.That(empty.Select(e => $"{e.Panel}: {e.Expression}"), Is.Empty, "every Grafana panel query returns data");

            // 3. Alertmanager: in-process alerts from two replicas or more, told apart by instance; the fleet rule
            //    evaluated by Prometheus arrives as one alert, not three.
            List<(Dictionary<string, string> Labels, string State, DateTimeOffset EndsAt)> alerts = [];
            while (started.Elapsed < TimeSpan.FromSeconds(235))
            {
                alerts = await alertmanager.AlertsAsync(cancellationToken);
                var inProcess = alerts.Where(a => !a.Labels.ContainsKey("source")).Select(a => a.Labels.GetValueOrDefault("instance")).Distinct().Count();
                var fleet = alerts.Count(a => a.Labels.GetValueOrDefault("source") == "prometheus" && a.Labels["alertname"] == "ApiErrorRateHigh");
                if (inProcess >= 2 && fleet >= 1)
                {
                    break;
                }

                await Task.Delay(1000, cancellationToken);
            }

            Progress("in Alertmanager: " + string.Join(", ", alerts.Select(a => $"{a.Labels["alertname"]}[{a.Labels.GetValueOrDefault("source", "in-process")}, instance={a.Labels.GetValueOrDefault("instance", "-")}]")));
            var fromReplicas = alerts.Where(a => !a.Labels.ContainsKey("source")).ToList();
            Assert.That(fromReplicas.Select(a => a.Labels.GetValueOrDefault("instance")).Distinct().Count(), Is.GreaterThanOrEqualTo(2), "in-process alerts of two replicas or more, told apart by instance");
            Assert.That(fromReplicas.Select(a => a.Labels.GetValueOrDefault("job")), Is.All.EqualTo(service), "their job is the service name, as Prometheus' job");
            var fleetAlerts = alerts.Where(a => a.Labels.GetValueOrDefault("source") == "prometheus" && a.Labels["alertname"] == "ApiErrorRateHigh").ToList();
            Assert.That(fleetAlerts, Has.Count.EqualTo(1), "the fleet rule's alert arrives once for the three replicas");
            Assert.That(fleetAlerts[0].Labels.ContainsKey("instance"), Is.False);

            // 4. The replicas' alerts carry the trace behind their value as an annotation, and Aspire holds it.
            var annotated = (await alertmanager.AlertsWithAnnotationsAsync(cancellationToken))
                .Where(a => !a.Labels.ContainsKey("source") && a.Annotations.ContainsKey("trace_id")).ToList();
            Assert.That(annotated, Is.Not.Empty, "an in-process alert carries trace_id and span_id annotations");
            var alertTraces = annotated.Select(a => a.Annotations["trace_id"]).ToHashSet();
            Assert.That(alertTraces, Is.All.Match("^[0-9a-f]{32}$"));
            var behindAlerts = await AspireDashboard.WaitForAsync(FleetSpansAsync, s => s.Any(span => alertTraces.Contains(span.TraceId)), TimeSpan.FromSeconds(30), cancellationToken);
            var alertSpan = behindAlerts.FirstOrDefault(span => alertTraces.Contains(span.TraceId));
            Progress($"{annotated.Count} in-process alerts carry a trace_id: {string.Join(", ", annotated.Select(a => $"{a.Labels["alertname"]}@{a.Labels["instance"]} trace {a.Annotations["trace_id"]}"))}; Aspire holds {alertSpan?.TraceId} ({alertSpan?.Name})");
            Assert.That(alertSpan, Is.Not.Null, "the trace behind an alert is one the Aspire Dashboard holds");
        }
        finally
        {
            foreach (var replica in replicas)
            {
                replica.Process.Dispose();
            }
        }
    }

    private static async Task<string> ExportGrafanaAsync(CancellationToken cancellationToken)
    {
        var demoDll = BuildPaths.Get("DemoAssemblyPath");
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-grafana-{Guid.NewGuid():N}.json");
        try
        {
            using var process = ServerProcess.Start("dotnet", [demoDll, "export-grafana", "--output", file], new Dictionary<string, string>(), Path.GetDirectoryName(demoDll));
            Assert.That(await process.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken), Is.True, "export-grafana exits");
            Assert.That(process.ExitCode, Is.Zero, process.Output);
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Each panel's queries as the acceptance runs them: $__rate_interval as 1m, the template variables as .*.
    private static List<(string Panel, string Expression)> GrafanaQueries(string dashboard)
    {
        using var json = JsonDocument.Parse(dashboard);
        var queries = new List<(string, string)>();
        foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                var expression = target.GetProperty("expr").GetString()!
                    .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                    .Replace("$job", ".*", StringComparison.Ordinal)
                    .Replace("$instance", ".*", StringComparison.Ordinal);
                queries.Add((string.Create(CultureInfo.InvariantCulture, $"{panel.GetProperty("title").GetString()} ({target.GetProperty("refId").GetString()})"), expression));
            }
        }

        return queries;
    }
}
