using System.Globalization;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// After 45 s of the demo with <c>--chaos</c>: <c>/events</c> has at least two categories, <c>?severity=error</c>
/// returns only error and critical events, a 10 s <c>from</c>/<c>to</c> range returns only events inside it, and
/// <c>/profiling</c> shows scopes with p95 and p99.
/// </summary>
[NonParallelizable]
public class DemoEventsTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task AfterFortyFiveSecondsOfChaos_EventsAndProfilingAnswerAsSpecified(CancellationToken cancellationToken)
    {
        var (demo, port, _) = DemoProcess.Start("90s", arguments: ["--chaos"]);
        using var demoProcess = demo;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        // Polled until the chaos has produced what the checks below read (two categories, an error, and events
        // spanning more than 20 s, for the 10 s window 2 s before the newest), at most 45 s, instead of always waiting 45 s.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(45) && !demo.HasExited && !await EnoughAsync(http, cancellationToken))
        {
            await Task.Delay(1_000, cancellationToken);
        }

        await TestContext.Progress.WriteLineAsync($"[{TestContext.CurrentContext.Test.Name}] the demo's events were enough after {watch.Elapsed.TotalSeconds:F0} s");
        Assert.That(demo.HasExited, Is.False, demo.Output);

        var all = await GetAsync(http, "events?limit=1000", cancellationToken);
        var errors = await GetAsync(http, "events?severity=error&limit=1000", cancellationToken);
        var newest = all.GetProperty("events")[0].GetProperty("timestamp").GetDateTimeOffset();
        // A 10 s window that ends 2 s before the newest event: the newest must be left out (to is exclusive).
        var to = newest.AddSeconds(-2);
        var from = to.AddSeconds(-10);
        var range = await GetAsync(http, $"events?from={Iso(from)}&to={Iso(to)}&limit=1000", cancellationToken);
        var profiling = await GetAsync(http, "profiling", cancellationToken);

        var categories = all.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("category").GetString()).Distinct().ToList();
        var errorSeverities = errors.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("severity").GetString()).ToList();
        var rangeTimes = range.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
        var scopes = profiling.GetProperty("current").GetProperty("scopes").EnumerateArray().ToList();
        TestContext.Out.WriteLine($"demo events after 45 s of chaos: {all.GetProperty("matched").GetInt32()} matched, categories [{string.Join(", ", categories)}], {errorSeverities.Count} error/critical, {rangeTimes.Count} in a 10 s window, {all.GetProperty("dropped").GetInt64()} dropped; profiling scopes [{string.Join(", ", scopes.Select(s => $"{s.GetProperty("name").GetString()} p95 {s.GetProperty("p95_ms").GetDouble():F3} ms p99 {s.GetProperty("p99_ms").GetDouble():F3} ms"))}]");
        Assert.Multiple(() =>
        {
            Assert.That(categories, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(errorSeverities, Is.Not.Empty, "chaos produces error events");
            Assert.That(errorSeverities, Has.All.Matches<string?>(s => s is "error" or "critical"));
            Assert.That(rangeTimes, Is.Not.Empty);
            Assert.That(rangeTimes, Has.All.Matches<DateTimeOffset>(t => t >= from && t < to));
            Assert.That(rangeTimes, Has.None.EqualTo(newest));
            Assert.That(range.GetProperty("matched").GetInt32(), Is.LessThan(all.GetProperty("matched").GetInt32()), "the range leaves older events out");
            Assert.That(scopes.Select(s => s.GetProperty("name").GetString()), Is.SupersetOf(new[] { "collision-detection", "integration", "persistence" }));
            Assert.That(scopes, Has.All.Matches<JsonElement>(s => s.GetProperty("p95_ms").GetDouble() > 0 && s.GetProperty("p99_ms").GetDouble() >= s.GetProperty("p95_ms").GetDouble()));
        });
    }

    private static async Task<bool> EnoughAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("events?limit=1000", UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var events = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("events").EnumerateArray().ToList();
            var times = events.Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
            return events.Select(e => e.GetProperty("category").GetString()).Distinct().Count() >= 2
                && events.Any(e => e.GetProperty("severity").GetString() is "error" or "critical")
                && times.Count > 0 && times.Max() - times.Min() > TimeSpan.FromSeconds(20);
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }

    private static string Iso(DateTimeOffset time) =>
        Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

    private static async Task<JsonElement> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
    }
}
