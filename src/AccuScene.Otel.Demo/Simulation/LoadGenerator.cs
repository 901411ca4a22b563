using System.Diagnostics;
using System.Net.Http.Json;
using AccuScene.Otel.Demo.Scenes;
using AccuScene.Otel.Instrumentation;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>
/// Calls the demo's own API through HttpClient, so W3C and AccuScene context propagate on every hop:
/// <c>--rate</c> reconstructions per second (<c>POST /scenes/{id}/simulate</c>), a new scene every fifth
/// tick (<c>POST /scenes</c>; past 45 created scenes, 50 with the seeds, the oldest created one is deleted,
/// <c>DELETE /scenes/{id}</c>, so the database stays small however long the demo runs), and the result of an earlier reconstruction
/// (<c>GET /scenes/{id}/result</c>).
/// </summary>
internal sealed partial class LoadGenerator(IHttpClientFactory httpClients, DemoArguments arguments, DemoCounters counters, ILogger<LoadGenerator> logger, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    private const int MaxKnownScenes = 50;
    private readonly List<string> _scenes = [.. SampleScenes.Seed.Select(s => s.Id)];
    private readonly Random _random = new(20261130);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The web server stops before this service does: the app's stopping ends the calls, so none fails on a server
        // that is gone.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        await this.CallAsync(stopping.Token).ConfigureAwait(false);
    }

    private async Task CallAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / arguments.Rate), time);
        var tick = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                tick++;
                try
                {
                    await this.TickAsync(tick, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Any failure of one tick (a refused call, an odd answer) is logged; the generator goes on.
                    Log.CallFailed(logger, ex.Message);
                }
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever the last call ended with (cancelled, or refused by a server already gone) is that.
        }
    }

    private async Task TickAsync(long tick, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient("self");
        if (tick % 5 == 1)
        {
            await this.CreateSceneAsync(client, tick, cancellationToken).ConfigureAwait(false);

            // Keep the seed scenes; delete the oldest created ones past MaxKnownScenes. A scene is forgotten only once
            // its delete succeeded (or found it gone), so one refused while the database is away is deleted later.
            while (_scenes.Count > MaxKnownScenes && await this.DeleteSceneAsync(client, _scenes[SampleScenes.Seed.Count], cancellationToken).ConfigureAwait(false))
            {
                _scenes.RemoveAt(SampleScenes.Seed.Count);
            }
        }

        var sceneId = _scenes[_random.Next(_scenes.Count)];
        using (Start("demo.load.simulate", sceneId))
        {
            counters.RequestSent();
            using var simulate = await client.PostAsync(new Uri($"scenes/{Uri.EscapeDataString(sceneId)}/simulate", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        }

        var earlier = _scenes[_random.Next(_scenes.Count)];
        using (var asking = Start("demo.load.result", earlier))
        {
            // The scene may not have been reconstructed yet: a 404 is an expected answer, not an error.
            asking?.SetTag(ExpectedStatusProcessor.ExpectedStatusCodeTag, 404);
            counters.RequestSent();
            using var result = await client.GetAsync(new Uri($"scenes/{Uri.EscapeDataString(earlier)}/result", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateSceneAsync(HttpClient client, long tick, CancellationToken cancellationToken)
    {
        using var create = Start("demo.load.create_scene", null);
        counters.RequestSent();
        using var created = await client.PostAsJsonAsync("scenes", SampleScenes.Variation(_random, (int)(tick / 5)), DemoJsonContext.Default.CreateSceneRequest, cancellationToken).ConfigureAwait(false);
        if (created.IsSuccessStatusCode && await created.Content.ReadFromJsonAsync(DemoJsonContext.Default.Scene, cancellationToken).ConfigureAwait(false) is { } scene)
        {
            _scenes.Add(scene.Id);
        }
    }

    private async Task<bool> DeleteSceneAsync(HttpClient client, string sceneId, CancellationToken cancellationToken)
    {
        using var delete = Start("demo.load.delete_scene", sceneId);
        delete?.SetTag(ExpectedStatusProcessor.ExpectedStatusCodeTag, 404); // already gone is as good as deleted
        counters.RequestSent();
        using var deleted = await client.DeleteAsync(new Uri($"scenes/{Uri.EscapeDataString(sceneId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return deleted.IsSuccessStatusCode || deleted.StatusCode == System.Net.HttpStatusCode.NotFound;
    }

    // A client-side root span per call; the scene id rides along as baggage and the x-accuscene-scene-id header.
    private static Activity? Start(string name, string? sceneId)
    {
        var activity = AccuSceneTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal);
        if (sceneId is not null)
        {
            AccuSceneContext.SetCurrent(sceneId, "load-generator");
        }

        return activity;
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "Load generator: a call failed: {Message}")]
        public static partial void CallFailed(ILogger logger, string message);
    }
}
