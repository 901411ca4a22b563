using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The reference app end to end: the built demo with <c>--duration</c>, exporting over OTLP to a real Aspire
/// Dashboard and scraped by a real Prometheus. Its scene API creates, reads and reconstructs a scene; the
/// dashboard, health and alert endpoints answer; spans of the reconstruction and its logs arrive in the
/// dashboard; Prometheus scrapes the simulation metrics; and the demo exits 0, having printed its dashboard URL.
/// </summary>
[NonParallelizable]
public class DemoSmokeTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task TheDemo_ServesItsApi_ExportsToACollector_IsScraped_AndExitsCleanly(CancellationToken cancellationToken)
    {
        using var aspire = await AspireDashboard.StartAsync(cancellationToken);
        var (demo, port, prometheusPort, service) = DemoProcess.StartExportingTo(aspire, "smoke", "40s");
        using var demoProcess = demo;
        using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{prometheusPort}", cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntilListeningAsync(http, demo, cancellationToken);

        // The scene API: create, read, reconstruct, read the result.
        using var created = await http.PostAsJsonAsync("scenes", new
        {
            name = "smoke head-on",
            vehicles = new object[]
            {
                new { id = "a", mass_kg = 1500, x = -20, y = 0, vx = 20, vy = 0 },
                new { id = "b", mass_kg = 1100, x = 20, y = 0, vx = -15, vy = 0 },
            },
        }, cancellationToken);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(cancellationToken));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
        Assert.That((await http.GetFromJsonAsync<JsonElement>($"scenes/{id}", cancellationToken)).GetProperty("vehicles").GetArrayLength(), Is.EqualTo(2));
        using var simulate = await http.PostAsync(new Uri($"scenes/{id}/simulate", UriKind.Relative), null, cancellationToken);
        Assert.That(simulate.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var result = await PollAsync(() => http.GetAsync(new Uri($"scenes/{id}/result", UriKind.Relative), cancellationToken), TimeSpan.FromSeconds(20), cancellationToken);
        var collision = result.GetProperty("collisions")[0];
        Assert.That(collision.GetProperty("closing_speed_ms").GetDouble(), Is.EqualTo(35).Within(2), "they closed at about 20 + 15 m/s");
        using var invalid = await http.PostAsJsonAsync("scenes", new { vehicles = Array.Empty<object>() }, cancellationToken);
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        // The SDK's endpoints on the same app.
        foreach (var path in new[] { "dashboard", "dashboard/data", "health/ready", "alerts", "events", "profiling" })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        }

        // Prometheus scrapes the simulation metrics while the demo runs.
        var scraped = await WaitAsync(async () => (await prometheus.QueryAsync("accuscene_simulation_frames_total", cancellationToken)).Count > 0, TimeSpan.FromSeconds(40), cancellationToken);

        Assert.That(await demo.WaitForExitAsync(TimeSpan.FromSeconds(90), cancellationToken), Is.True, "the demo stops after --duration:\n" + Tail(demo.Output));
        Assert.That(demo.ExitCode, Is.Zero, Tail(demo.Output));
        Assert.That(demo.Output, Does.Contain($"http://127.0.0.1:{port}/dashboard"));
        Assert.That(scraped, Is.True, "Prometheus scraped accuscene_simulation_frames_total from the demo");
        var spans = await AspireDashboard.WaitForAsync(() => aspire.GetSpansAsync(service, cancellationToken), s => s.Any(x => x.Name == "simulation.run"), TimeSpan.FromSeconds(30), cancellationToken);
        var logs = await AspireDashboard.WaitForAsync(() => aspire.GetLogsAsync(service, cancellationToken), l => l.Any(x => x.TraceId is { Length: > 0 }), TimeSpan.FromSeconds(30), cancellationToken);
        var names = spans.Select(s => s.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        TestContext.Out.WriteLine($"smoke: scene {id} reconstructed ({collision}); {spans.Count} spans ({string.Join(", ", names.Take(12))}), {logs.Count} logs in Aspire; Prometheus scraped the demo");
        Assert.That(names, Is.SupersetOf(new[] { "simulation.run", "simulation.step" }));
        var stepSpans = spans.Where(s => s.Name == "simulation.step").Select(s => s.SpanId).ToHashSet();
        Assert.That(
            logs.Where(l => l.Body.Contains(" collided in ", StringComparison.Ordinal)).Select(l => l.SpanId),
            Has.Some.Matches<string?>(spanId => spanId is not null && stepSpans.Contains(spanId)),
            "each collision is one event, recorded inside its step's span");
        Assert.That(logs.Where(l => l.TraceId is { Length: > 0 }).Select(l => l.TraceId), Has.Some.Matches<string>(t => spans.Any(s => s.TraceId == t)), "logs carry the trace ids of exported spans");
    }

    private static async Task WaitUntilListeningAsync(HttpClient http, ServerProcess demo, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            Assert.That(demo.HasExited, Is.False, "the demo is running:\n" + Tail(demo.Output));
            try
            {
                using var response = await http.GetAsync(new Uri("health/live", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, cancellationToken);
        }

        Assert.Fail("the demo did not listen within 60 s");
    }

    private static async Task<JsonElement> PollAsync(Func<Task<HttpResponseMessage>> get, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var response = await get();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            }

            Assert.That(Stopwatch.GetElapsedTime(started), Is.LessThan(timeout), $"no result yet (last answer {(int)response.StatusCode})");
            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(1000, cancellationToken);
        }

        return false;
    }

    private static string Tail(string output) => output[^Math.Min(4000, output.Length)..];
}
