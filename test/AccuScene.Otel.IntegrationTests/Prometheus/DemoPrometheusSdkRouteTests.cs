using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Prometheus;

/// <summary>
/// A real Prometheus scrapes the demo every second while the test polls <c>/health/ready</c>, <c>/dashboard/data</c>
/// and <c>/alerts</c> and keeps a <c>/dashboard/stream</c> connection open: <c>http_server_request_duration_seconds</c>
/// has the load generator's app traffic and no series for an SDK endpoint (<c>/health</c>, <c>/dashboard</c>,
/// <c>/alerts</c>, <c>/events</c>, <c>/profiling</c>).
/// </summary>
[NonParallelizable]
public class DemoPrometheusSdkRouteTests
{
    private static readonly string[] SdkRoutes = ["/health", "/dashboard", "/alerts", "/events", "/profiling"];

    [Test]
    [CancelAfter(180_000)]
    public async Task RealPrometheus_WhileSdkEndpointsArePolled_SeesAppRoutesOnly(CancellationToken cancellationToken)
    {
        RequiredBinary.Require(PrometheusServer.Binary, PrometheusServer.InstallHint);
        var (demo, port, prometheusPort) = DemoProcess.Start("35s");
        using var demoProcess = demo;
        using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{prometheusPort}", cancellationToken);
        var root = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (await HttpProbe.TryGetStatusAsync(http, new Uri(root, "health/live"), cancellationToken) != 200)
        {
            Assert.That(demo.HasExited, Is.False, "the demo is running:\n" + demo.Output);
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the demo listens within 60 s:\n" + demo.Output);
            await Task.Delay(250, cancellationToken);
        }

        // A dashboard stream held open, read as a browser's EventSource would.
        using var streamStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var streamClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var stream = ReadStreamAsync(streamClient, new Uri(root, "dashboard/stream"), streamStop.Token);

        // About 22 s of polling (the demo runs 35 s): Prometheus scrapes every second meanwhile.
        var statuses = new Dictionary<string, Dictionary<int, int>>();
        var polls = 0;
        var pollUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(22);
        while (DateTimeOffset.UtcNow < pollUntil && !demo.HasExited)
        {
            polls++;
            foreach (var path in new[] { "health/ready", "dashboard/data", "alerts" })
            {
                if (await HttpProbe.TryGetStatusAsync(http, new Uri(root, path), cancellationToken) is { } status)
                {
                    var counts = statuses.TryGetValue(path, out var c) ? c : statuses[path] = [];
                    counts[status] = counts.GetValueOrDefault(status) + 1;
                }
            }

            await Task.Delay(500, cancellationToken);
        }

        // The polls' durations are recorded as each ends: wait for a scrape well after the last one (the demo is still up).
        var lastPoll = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var scraped = await AspireDashboard.WaitForAsync(
            () => prometheus.QueryAsync("timestamp(up == 1)", cancellationToken),
            up => up.Count > 0 && up.All(u => u.Value > lastPoll + 1.5),
            TimeSpan.FromSeconds(10),
            cancellationToken);
        Assert.That(scraped.Select(u => u.Value), Has.Some.GreaterThan(lastPoll + 1.5), "Prometheus scraped the demo after the last poll:\n" + demo.Output);

        // Every series scraped during the run, including any that a later scrape no longer had.
        var series = await prometheus.QueryAsync("last_over_time(http_server_request_duration_seconds_count[5m])", cancellationToken);
        await streamStop.CancelAsync();
        var (streamStatus, messages) = await stream;

        var routes = series
            .GroupBy(s => s.Labels.GetValueOrDefault("http_route") ?? "<no http_route>")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Route: g.Key, Series: g.Count(), Requests: g.Sum(s => s.Value)))
            .ToList();
        var sdk = series
            .Where(s => s.Labels.GetValueOrDefault("http_route") is { } route && SdkRoutes.Any(r => route.StartsWith(r, StringComparison.Ordinal)))
            .ToList();
        var app = series.Where(s => s.Labels.GetValueOrDefault("http_route") is { } route && route.StartsWith("/scenes", StringComparison.Ordinal)).ToList();

        TestContext.Out.WriteLine($"last scrape {scraped.Select(u => u.Value).DefaultIfEmpty().Max() - lastPoll:F1} s after the last poll; polled {polls} times: {string.Join("; ", statuses.Select(s => $"/{s.Key} " + string.Join(",", s.Value.OrderBy(v => v.Key).Select(v => $"{v.Key}x{v.Value}"))))}");
        TestContext.Out.WriteLine($"/dashboard/stream: status {streamStatus}, {messages} data messages while open");
        TestContext.Out.WriteLine($"http_server_request_duration_seconds_count: {series.Count} series; by http_route: {string.Join(", ", routes.Select(r => $"{r.Route} ({r.Series} series, {r.Requests} requests)"))}");

        Assert.Multiple(() =>
        {
            Assert.That(streamStatus, Is.EqualTo(200), "the dashboard stream was open");
            Assert.That(messages, Is.GreaterThan(0), "the dashboard stream sent updates while open");
            Assert.That(series.Count, Is.GreaterThan(0), "http_server_request_duration_seconds_count has series");
            Assert.That(app.Count, Is.GreaterThan(0), $"the load generator's /scenes traffic is there; routes seen: {string.Join(", ", routes.Select(r => r.Route))}");
            Assert.That(
                sdk.Select(s => $"{s.Labels.GetValueOrDefault("http_request_method")} {s.Labels.GetValueOrDefault("http_route")} {s.Labels.GetValueOrDefault("http_response_status_code")}"),
                Is.Empty,
                $"no series for an SDK endpoint ({string.Join(", ", SdkRoutes)}); found {sdk.Count}:\n  "
                + string.Join("\n  ", sdk.Select(s => "{" + string.Join(", ", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " + s.Value)));
        });
    }

    /// <summary>Reads the stream until <paramref name="stop"/>; returns its status and how many <c>data:</c> lines came.</summary>
    private static async Task<(int Status, int Messages)> ReadStreamAsync(HttpClient http, Uri uri, CancellationToken stop)
    {
        var messages = 0;
        var status = 0;
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, stop);
            status = (int)response.StatusCode;
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                messages += line.StartsWith("data: ", StringComparison.Ordinal) ? 1 : 0;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closed by the test.
        }
        catch (HttpRequestException)
        {
            // The demo stopped.
        }
        catch (IOException)
        {
            // The demo stopped mid-stream.
        }

        return (status, messages);
    }
}
