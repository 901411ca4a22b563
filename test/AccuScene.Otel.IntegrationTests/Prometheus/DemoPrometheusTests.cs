using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Prometheus;

/// <summary>
/// A real Prometheus scrapes the demo's endpoint every second: every domain area has series, counters
/// increase, histogram buckets are there and <c>histogram_quantile</c> answers; promtool accepts the text.
/// </summary>
[NonParallelizable]
public class DemoPrometheusTests
{
    private const int LintProblemsExitCode = 3;

    private static readonly string[] RuntimeCountGauges =
        ["dotnet_assembly_count", "dotnet_process_cpu_count", "dotnet_timer_count", "dotnet_thread_pool_thread_count"];

    [Test]
    [CancelAfter(180_000)]
    public async Task RealPrometheus_ScrapesEveryAreaAndComputesQuantiles(CancellationToken cancellationToken)
    {
        RequiredBinary.Require(PrometheusServer.Binary, PrometheusServer.InstallHint);
        var (demo, httpPort, prometheusPort) = DemoProcess.Start("60s");
        using var demoProcess = demo;
        using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{prometheusPort}", cancellationToken);

        string[] expected =
        [
            "accuscene_simulation_frames_total",
            "accuscene_simulation_fps_per_second",
            "accuscene_simulation_step_duration_seconds_bucket",
            "db_client_operation_duration_seconds_bucket",
            "accuscene_cache_misses_total",
            "accuscene_cache_hit_ratio",
            "http_server_request_duration_seconds_bucket",
            "process_cpu_time_seconds_total",
            "process_memory_usage_bytes",
        ];
        var missing = expected.ToList();
        for (var attempt = 0; attempt < 60 && missing.Count > 0; attempt++)
        {
            await Task.Delay(500, cancellationToken);
            var present = new List<string>();
            foreach (var name in missing)
            {
                if ((await prometheus.QueryAsync(name, cancellationToken)).Count > 0)
                {
                    present.Add(name);
                }
            }

            missing.RemoveAll(present.Contains);
        }

        Assert.That(missing, Is.Empty, "series Prometheus has not scraped:\n" + demo.Output);

        // Polled until a later scrape has a larger total (it scrapes every second), rather than a fixed wait.
        var first = (await prometheus.QueryAsync("sum(accuscene_simulation_frames_total)", cancellationToken)).Single().Value;
        var second = first;
        for (var polls = 0; second <= first && polls < 60; polls++)
        {
            await Task.Delay(500, cancellationToken);
            second = (await prometheus.QueryAsync("sum(accuscene_simulation_frames_total)", cancellationToken)).Single().Value;
        }

        var p95 = await prometheus.QueryAsync("histogram_quantile(0.95, sum by (le) (rate(accuscene_simulation_step_duration_seconds_bucket[10s])))", cancellationToken);
        var apiP95 = await prometheus.QueryAsync("histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[10s])))", cancellationToken);

        using var http = new HttpClient();

        // #17: the sketch's p95 of step time over a 10 s window (a point of the dashboard's 1 h range), against
        // histogram_quantile over the buckets' increase in the same 10 s.
        var (sketchP95, from) = await SketchP95Async(http, httpPort, cancellationToken);
        var at = from.AddSeconds(10); // a point is stamped with the start of its window
        var bucketP95 = (await prometheus.QueryAsync("histogram_quantile(0.95, sum by (le) (increase(accuscene_simulation_step_duration_seconds_bucket[10s])))", cancellationToken, at)).Single().Value;
        var exposition = await http.GetStringAsync(new Uri($"http://127.0.0.1:{prometheusPort}/metrics"), cancellationToken);
        var (exitCode, output) = await PrometheusServer.CheckMetricsAsync(exposition, cancellationToken);

        TestContext.Out.WriteLine($"frames {first} -> {second}; step p95 {p95.Single().Value}; over the 10 s to {at:HH:mm:ss}: histogram_quantile {bucketP95}, sketch {sketchP95}; api p95 {apiP95.Single().Value}; promtool exit {exitCode}");
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.GreaterThan(first), "the frame counter increases between scrapes");
            Assert.That(double.IsFinite(p95.Single().Value), Is.True, "histogram_quantile over step durations is a number");
            Assert.That(bucketP95, Is.EqualTo(sketchP95).Within(25).Percent, "the step buckets fit the data: histogram_quantile lands within 25% of the sketch");
            Assert.That(double.IsFinite(apiP95.Single().Value), Is.True, "histogram_quantile over request durations is a number");
            // OpenTelemetry's semantic-convention names reach every exporter unchanged, so the linter's only
            // complaint may be the runtime's four gauges named *.count (docs/metrics.md).
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(exitCode, Is.Zero.Or.EqualTo(LintProblemsExitCode), output);
            Assert.That(lines, Is.All.Matches<string>(l => RuntimeCountGauges.Any(g => l == g + " non-histogram and non-summary metrics should not have \"_count\" suffix")), "promtool check metrics reports nothing but the runtime's *_count gauges");
        });
    }

    // The newest 10-second point of the step time's p95 (the 1 h range), polled until the demo has one after
    // its first window; and the time its window starts.
    private static async Task<(double P95, DateTimeOffset At)> SketchP95Async(HttpClient http, int httpPort, CancellationToken token)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var data = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/dashboard/data?range=1h"), token));
            var step = data.RootElement.GetProperty("sections").GetProperty("simulation").GetProperty("metrics").EnumerateArray()
                .Single(m => m.GetProperty("name").GetString() == "accuscene.simulation.step.duration");
            Assert.That(step.GetProperty("percentile_source").GetString(), Is.EqualTo("sketch"));
            var history = step.GetProperty("history");
            var points = history.GetProperty("time").EnumerateArray().Zip(history.GetProperty("p95").EnumerateArray())
                .Where(p => p.Second.ValueKind == System.Text.Json.JsonValueKind.Number)
                .Select(p => (P95: p.Second.GetDouble(), At: DateTimeOffset.FromUnixTimeMilliseconds(p.First.GetInt64())))
                .ToList();

            // The first point covers the demo's start-up; the second is a whole window of steady work.
            if (points.Count >= 2)
            {
                return points[^1];
            }

            Assert.That(attempt, Is.LessThan(60), "the dashboard's 1 h range has two step-time points within 30 s");
            await Task.Delay(500, token);
        }
    }
}
