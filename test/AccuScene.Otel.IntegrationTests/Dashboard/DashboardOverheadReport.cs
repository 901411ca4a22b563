using System.Globalization;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Microsoft.Playwright.NUnit;

namespace AccuScene.Otel.IntegrationTests.Dashboard;

/// <summary>
/// A measurement, not a check (explicit: it never runs in CI): the demo runs 60 s twice, once without and once
/// with a headless Chromium keeping <c>/dashboard</c> open, and each time the API latency p95 is read as the
/// dashboard itself shows it (the "API latency" widget's p95 of <c>http.server.request.duration</c> in
/// <c>/dashboard/data</c>) and from a real Prometheus (<c>histogram_quantile</c> over the last minute). It only
/// prints the figures; it asserts nothing about timing.
/// </summary>
[NonParallelizable]
[Explicit("A measurement: two 60 s demo runs, with and without the dashboard open. Run it by hand.")]
public class DashboardOverheadReport : PlaywrightTest
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private const string PrometheusP95 = "histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[1m])))";

    [Test]
    [CancelAfter(360_000)]
    public async Task ApiLatencyP95_WithAndWithoutTheDashboardOpen(CancellationToken cancellationToken)
    {
        RequiredBinary.Require(PrometheusServer.Binary, PrometheusServer.InstallHint);
        var without = await this.MeasureAsync(openDashboard: false, cancellationToken);
        var with = await this.MeasureAsync(openDashboard: true, cancellationToken);

        TestContext.Out.WriteLine();
        foreach (var run in new[] { without, with })
        {
            TestContext.Out.WriteLine($"{run.Label,-22} dashboard API latency p95: {Ms(run.DashboardP95)} (as the page shows it, last 1 s interval; median of {run.DashboardPoints} 1-s p95 points over the run {Ms(run.DashboardMedianP95)})");
            TestContext.Out.WriteLine($"{run.Label,-22} Prometheus API latency p95: {Ms(run.PrometheusP95)} ({PrometheusP95})");
        }

        Assert.Multiple(() =>
        {
            foreach (var run in new[] { without, with })
            {
                Assert.That(run.DashboardP95 is { } d && double.IsFinite(d), Is.True, $"{run.Label}: the dashboard's p95 is a number ({run.DashboardP95})");
                Assert.That(run.PrometheusP95 is { } p && double.IsFinite(p), Is.True, $"{run.Label}: Prometheus's p95 is a number ({run.PrometheusP95})");
            }
        });
    }

    private async Task<Measurement> MeasureAsync(bool openDashboard, CancellationToken cancellationToken)
    {
        var label = openDashboard ? "with /dashboard open:" : "without a browser:";
        var (demo, port, prometheusPort) = DemoProcess.Start("70s");
        using var demoProcess = demo;
        using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{prometheusPort}", cancellationToken);
        var root = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (await HttpProbe.TryGetStatusAsync(http, new Uri(root, "health/live"), cancellationToken) != 200)
        {
            Assert.That(demo.HasExited, Is.False, "the demo is running:\n" + demo.Output);
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the demo listens within 60 s:\n" + demo.Output);
            await Task.Delay(250, cancellationToken);
        }

        var started = DateTimeOffset.UtcNow;
        IBrowser? browser = null;
        IPage? page = null;
        var checks = 0;
        var live = 0;
        try
        {
            if (openDashboard)
            {
                browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
                page = await browser.NewPageAsync().WaitAsync(cancellationToken);
                await page.GotoAsync(new Uri(root, "dashboard").ToString()).WaitAsync(cancellationToken);
                await page.WaitForFunctionAsync(
                    "() => document.getElementById('connection').textContent === 'live'",
                    null,
                    new PageWaitForFunctionOptions { Timeout = 30_000 }).WaitAsync(cancellationToken);
            }

            TestContext.Out.WriteLine($"{label} demo on {root}, measuring for {Window.TotalSeconds} s");
            while (DateTimeOffset.UtcNow - started < Window)
            {
                Assert.That(demo.HasExited, Is.False, "the demo runs through the window:\n" + demo.Output);
                if (page is not null)
                {
                    checks++;
                    live += await page.TextContentAsync("#connection").WaitAsync(cancellationToken) == "live" ? 1 : 0;
                }

                await Task.Delay(1_000, cancellationToken);
            }

            var (dashboardP95, median, points) = await ReadDashboardP95Async(http, root, cancellationToken);
            var prometheusP95 = (await prometheus.QueryAsync(PrometheusP95, cancellationToken)).Select(s => (double?)s.Value).FirstOrDefault();
            if (page is not null)
            {
                TestContext.Out.WriteLine($"{label} Chromium's stream was live in {live} of {checks} checks");
            }

            TestContext.Out.WriteLine($"{label} dashboard p95 {Ms(dashboardP95)}, median {Ms(median)} of {points} points; Prometheus p95 {Ms(prometheusP95)}");
            return new Measurement(label, dashboardP95, median, points, prometheusP95);
        }
        finally
        {
            if (browser is not null)
            {
                // Playwright disposes a browser left open here when the fixture ends.
                await browser.CloseAsync().WaitAsync(cancellationToken);
                await browser.DisposeAsync().AsTask().WaitAsync(cancellationToken);
            }

            var exited = await demo.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            TestContext.Out.WriteLine($"{label} the demo {(exited ? $"exited {demo.ExitCode}" : "did not exit; stopped")}");
        }
    }

    /// <summary>
    /// The "API latency" widget's p95 series (metric and scale from <c>layout</c>) in <c>/dashboard/data</c>: the
    /// value its legend shows (the metric's p95, or its newest history point while the last interval had no request),
    /// and the median of its history's p95 points over the window, in seconds.
    /// </summary>
    private static async Task<(double? Latest, double? Median, int Points)> ReadDashboardP95Async(HttpClient http, Uri root, CancellationToken token)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(root, "dashboard/data?range=5m"), token));
        var model = document.RootElement;
        var series = model.GetProperty("layout").EnumerateArray()
            .Where(w => w.GetProperty("title").GetString() == "API latency")
            .SelectMany(w => w.GetProperty("series").EnumerateArray())
            .FirstOrDefault(s => s.GetProperty("stat").GetString() == "p95");
        var name = series.ValueKind == JsonValueKind.Object ? series.GetProperty("metric").GetString()! : "http.server.request.duration";
        var metric = model.GetProperty("sections").GetProperty("api").GetProperty("metrics").EnumerateArray()
            .FirstOrDefault(m => m.GetProperty("name").GetString() == name);
        if (metric.ValueKind != JsonValueKind.Object)
        {
            TestContext.Out.WriteLine($"/dashboard/data has no {name} in the api section");
            return (null, null, 0);
        }

        var history = new List<(long Time, double P95)>();
        if (metric.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            var times = h.GetProperty("time").EnumerateArray().Select(t => t.GetInt64()).ToList();
            var p95s = h.GetProperty("p95").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null).ToList();
            var from = DateTimeOffset.UtcNow.Add(-Window).ToUnixTimeMilliseconds();
            history = [.. times.Zip(p95s).Where(p => p.First >= from && p.Second is not null).Select(p => (p.First, p.Second!.Value))];
        }

        double? latest = metric.GetProperty("p95").ValueKind == JsonValueKind.Number
            ? metric.GetProperty("p95").GetDouble()
            : history.Count > 0 ? history[^1].P95 : null;
        var sorted = history.Select(p => p.P95).Order().ToList();
        double? median = sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return (latest, median, sorted.Count);
    }

    private static string Ms(double? seconds) =>
        seconds is { } s ? (s * 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms" : "none";

    private sealed record Measurement(string Label, double? DashboardP95, double? DashboardMedianP95, int DashboardPoints, double? PrometheusP95);
}
