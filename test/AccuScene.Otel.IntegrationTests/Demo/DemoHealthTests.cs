using System.Diagnostics;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The demo with <c>--chaos</c>: its SQLite database goes away 10 s after start for 20 s. <c>/health</c>
/// reports the database, cache and memory checks; <c>/health/ready</c> turns 503 and back to 200 within
/// 150 s, and <c>/health/live</c> never fails.
/// </summary>
[NonParallelizable]
public class DemoHealthTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Chaos_TurnsReadiness503AndBack_WhileLivenessNeverFails(CancellationToken cancellationToken)
    {
        var (chaos, chaosPort, _) = DemoProcess.Start("170s", arguments: ["--chaos"]);
        using var chaosProcess = chaos;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var baseUri = new Uri($"http://127.0.0.1:{chaosPort}/");

        var started = Stopwatch.GetTimestamp();
        var sawReady = false;
        var sawDown = false;
        var recovered = false;
        var liveFailures = 0;
        var livePolls = 0;
        string? checks = null;
        while (!recovered && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(150) && !chaos.HasExited)
        {
            try
            {
                using var live = await http.GetAsync(new Uri(baseUri, "health/live"), cancellationToken);
                livePolls++;
                liveFailures += live.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Before the demo listens, no answer is expected; after that, no answer is a liveness failure.
                livePolls += sawReady ? 1 : 0;
                liveFailures += sawReady ? 1 : 0;
            }

            try
            {
                using var ready = await http.GetAsync(new Uri(baseUri, "health/ready"), cancellationToken);
                var status = (int)ready.StatusCode;
                if (status == 200 && !sawDown)
                {
                    sawReady = true;
                    checks ??= await http.GetStringAsync(new Uri(baseUri, "health"), cancellationToken);
                }

                sawDown |= sawReady && status == 503;
                recovered = sawDown && status == 200;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A slow readiness answer is retried on the next poll.
            }

            await Task.Delay(500, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        TestContext.Out.WriteLine($"demo --chaos: ready 200 -> 503 -> 200 in {elapsed.TotalSeconds:F1} s; liveness failures {liveFailures} of {livePolls} polls");
        Assert.That(checks, Is.Not.Null, "the demo became ready:\n" + chaos.Output);
        using var json = JsonDocument.Parse(checks!);
        var names = json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.SupersetOf(new[] { "database", "cache", "memory" }));
            Assert.That(sawDown, Is.True, "readiness turned 503 while the database was away:\n" + chaos.Output);
            Assert.That(recovered, Is.True, "readiness came back to 200 within 150 s");
            Assert.That(liveFailures, Is.Zero, "liveness never failed");
        });
    }
}
