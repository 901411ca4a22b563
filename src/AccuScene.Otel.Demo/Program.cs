using AccuScene.Otel.Demo;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Instrumentation.Tracing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;

DemoArguments demo;
try
{
    demo = DemoArguments.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(demo.HostArguments);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls(DemoArguments.DefaultUrl);
}

builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DemoJsonContext.Default));
builder.Services.AddAccuScene(builder.Configuration.GetSection("AccuScene"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddMemoryCache();
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSingleton<SceneStore>();
builder.Services.AddHealthChecks()
    .AddAccuSceneLivenessCheck()
    .AddAccuSceneDatabaseCheck("database", sp => sp.GetRequiredService<SceneStore>().DataSource, "SELECT count(*) FROM scenes")
    .AddAccuSceneCacheCheck("cache")
    .AddAccuSceneMemoryCheck(degradedBytes: 1L << 30, unhealthyBytes: 2L << 30);
builder.Services.AddSingleton<ChaosState>();
builder.Services.AddHostedService<SimulationWorker>();
if (demo.Chaos)
{
    builder.Services.AddHostedService<ChaosSchedule>();
}

builder.Services.AddHttpClient("self", (sp, client) =>
{
    var server = sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
    var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>();
    var address = addresses?.Addresses.FirstOrDefault() ?? DemoArguments.DefaultUrl;
    client.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
});

var app = builder.Build();
if (demo.ExportRules)
{
    // The default rules (appsettings.json) as Prometheus alerting rules, over the names the Prometheus exporter produces.
    return ExportRules.Write(app.Services, Console.Out);
}

// Process, memory and session metrics are observed from the start.
_ = app.Services.GetRequiredService<SystemMetrics>();

app.MapAccuSceneHealth();
app.MapAccuSceneEvents();
app.MapAccuSceneProfiling();
app.MapAccuSceneAlerts();
app.MapAccuSceneDashboard();
app.MapGet("/scenes/{id}", async (string id, ILoggerFactory loggers, IMemoryCache scenes, CacheMetrics cache, DatabaseMetrics database, SceneStore store, TimeProvider time, CancellationToken cancellationToken) =>
{
    using (AccuSceneSpans.StartCacheOperation("scenes", "get"))
    {
        if (scenes.TryGetValue(id, out SceneDto? cached) && cached is not null)
        {
            cache.Hit("scenes");
            return Results.Ok(cached);
        }
    }

    cache.Miss("scenes");
    SceneDto? scene;
    using (var query = AccuSceneSpans.StartDatabaseQuery("sqlite", "SELECT", "scenes", "SELECT vehicles FROM scenes WHERE id = $id"))
    {
        var started = time.GetTimestamp();
        try
        {
            scene = await store.FindSceneAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            database.RecordOperation("sqlite", "SELECT", time.GetElapsedTime(started).TotalSeconds, ex.GetType().Name);
            query?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            loggers.CreateLogger("AccuScene.Otel.Demo.Scenes").RecordEvent(
                AccuSceneEventCategory.Api,
                AccuSceneEventSeverity.Error,
                "api.scene_unavailable",
                $"GET /scenes/{id} answered 503: the scene database is unavailable",
                new KeyValuePair<string, object?>("accuscene.scene.id", id));
            return Results.Problem("The scene database is unavailable.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        DemoLog.SceneLoaded(loggers.CreateLogger("AccuScene.Otel.Demo.Scenes"), id, AccuSceneContext.CurrentSceneId);
        database.RecordOperation("sqlite", "SELECT", time.GetElapsedTime(started).TotalSeconds);
    }

    if (scene is null)
    {
        return Results.NotFound();
    }

    // Scenes stay cached for 10 s, so the demo sees both hits and misses; evictions become cache events.
    var entry = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(10) };
    entry.RegisterPostEvictionCallback(static (key, _, reason, state) => ((ILogger)state!).RecordEvent(
        AccuSceneEventCategory.Cache,
        AccuSceneEventSeverity.Info,
        "cache.evicted",
        $"Scene {key} left the cache ({reason})",
        new KeyValuePair<string, object?>("accuscene.cache.reason", reason.ToString())), loggers.CreateLogger("AccuScene.Otel.Demo.Cache"));
    scenes.Set(id, scene, entry);
    return Results.Ok(scene);
});

if (demo.Duration is { } duration)
{
    app.Lifetime.ApplicationStarted.Register(() =>
        _ = Task.Delay(duration).ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default));
}

await app.StartAsync().ConfigureAwait(false);
foreach (var address in app.Urls)
{
    Console.WriteLine($"AccuScene demo listening on {address} (health: {address}/health, /health/live, /health/ready). Ctrl+C stops it.");
    Console.WriteLine($"Dashboard: {address.TrimEnd('/')}/dashboard");
}

await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

