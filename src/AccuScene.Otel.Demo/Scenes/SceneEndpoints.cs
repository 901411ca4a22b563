using System.Diagnostics;
using AccuScene.Otel.Demo.Simulation;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Instrumentation.Tracing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;

namespace AccuScene.Otel.Demo.Scenes;

/// <summary>
/// The scene API: <c>POST /scenes</c>, <c>GET /scenes/{id}</c> (through a cache), <c>DELETE /scenes/{id}</c>,
/// <c>POST /scenes/{id}/simulate</c> and <c>GET /scenes/{id}/result</c>. Every query has a database span and <c>db.client.operation.duration</c>;
/// every lookup a cache span and a hit or miss. An unavailable database answers 503 with an error event.
/// </summary>
internal static class SceneEndpoints
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    public static void MapSceneApi(this WebApplication app)
    {
        app.MapPost("/scenes", CreateAsync);
        app.MapGet("/scenes/{id}", GetAsync);
        app.MapDelete("/scenes/{id}", DeleteAsync);
        app.MapPost("/scenes/{id}/simulate", SimulateAsync);
        app.MapGet("/scenes/{id}/result", ResultAsync);
    }

    private static async Task<IResult> CreateAsync(CreateSceneRequest request, SceneStore store, DatabaseMetrics database, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = SceneValidation.Validate(request);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var scene = new Scene("scene-" + Guid.NewGuid().ToString("N")[..12], request.Name ?? "Unnamed scene", request.Vehicles!);
        var failure = await Query(database, loggers, time, "INSERT", "scenes", SceneQueries.InsertScene, scene.Id, () => store.InsertSceneAsync(scene, cancellationToken)).ConfigureAwait(false);
        return failure ?? Results.Created($"/scenes/{scene.Id}", scene);
    }

    private static async Task<IResult> GetAsync(string id, IMemoryCache cache, CacheMetrics cacheMetrics, SceneStore store, DatabaseMetrics database, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var (scene, failure) = await FindAsync(id, cache, cacheMetrics, store, database, loggers, time, cancellationToken).ConfigureAwait(false);
        return failure ?? (scene is null ? Results.NotFound() : Results.Ok(scene));
    }

    private static async Task<IResult> DeleteAsync(string id, IMemoryCache cache, SceneStore store, DatabaseMetrics database, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var deleted = false;
        var failure = await Query(database, loggers, time, "DELETE", "scenes", SceneQueries.DeleteScene, id, async () => deleted = await store.DeleteSceneAsync(id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        cache.Remove(id);
        return failure ?? (deleted ? Results.NoContent() : Results.NotFound());
    }

    private static async Task<IResult> SimulateAsync(string id, IMemoryCache cache, CacheMetrics cacheMetrics, SceneStore store, DatabaseMetrics database, SimulationQueue queue, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var (scene, failure) = await FindAsync(id, cache, cacheMetrics, store, database, loggers, time, cancellationToken).ConfigureAwait(false);
        if (failure is not null || scene is null)
        {
            return failure ?? Results.NotFound();
        }

        if (!queue.TryEnqueue(scene.Id))
        {
            loggers.CreateLogger("AccuScene.Otel.Demo.Scenes").RecordEvent(
                AccuSceneEventCategory.Api,
                AccuSceneEventSeverity.Warning,
                "api.simulation_refused",
                $"POST /scenes/{id}/simulate answered 503: {SimulationQueue.Capacity} reconstructions are already queued",
                new KeyValuePair<string, object?>(AccuSceneAttributes.SceneId, id));
            return Results.Problem($"{SimulationQueue.Capacity} reconstructions are already queued; try again later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Accepted($"/scenes/{scene.Id}/result", new SimulationAccepted(scene.Id, "queued", $"/scenes/{scene.Id}/result"));
    }

    private static async Task<IResult> ResultAsync(string id, SceneStore store, DatabaseMetrics database, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        SimulationResult? result = null;
        var failure = await Query(database, loggers, time, "SELECT", "results", SceneQueries.SelectResult, id, async () => result = await store.FindResultAsync(id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return failure ?? (result is null ? Results.NotFound() : Results.Ok(result));
    }

    private static async Task<(Scene? Scene, IResult? Failure)> FindAsync(string id, IMemoryCache cache, CacheMetrics cacheMetrics, SceneStore store, DatabaseMetrics database, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        using (AccuSceneSpans.StartCacheOperation("scenes", "get"))
        {
            if (cache.TryGetValue(id, out Scene? cached) && cached is not null)
            {
                cacheMetrics.Hit("scenes");
                return (cached, null);
            }
        }

        cacheMetrics.Miss("scenes");
        Scene? scene = null;
        var failure = await Query(database, loggers, time, "SELECT", "scenes", SceneQueries.SelectScene, id, async () => scene = await store.FindSceneAsync(id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (failure is not null || scene is null)
        {
            return (null, failure);
        }

        DemoLog.SceneLoaded(loggers.CreateLogger("AccuScene.Otel.Demo.Scenes"), id, AccuSceneContext.CurrentSceneId);

        // Scenes stay cached for 10 s, so the demo sees both hits and misses; evictions become cache events.
        var entry = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor };
        entry.RegisterPostEvictionCallback(static (key, _, reason, state) => ((ILogger)state!).RecordEvent(
            AccuSceneEventCategory.Cache,
            AccuSceneEventSeverity.Info,
            "cache.evicted",
            $"Scene {key} left the cache ({reason})",
            new KeyValuePair<string, object?>("accuscene.cache.reason", reason.ToString())), loggers.CreateLogger("AccuScene.Otel.Demo.Cache"));
        cache.Set(id, scene, entry);
        return (scene, null);
    }

    // One instrumented query: a span, the duration metric, and on a database failure an error event and 503.
    private static async Task<IResult?> Query(DatabaseMetrics database, ILoggerFactory loggers, TimeProvider time, string operation, string table, string sql, string sceneId, Func<Task> run)
    {
        using var query = AccuSceneSpans.StartDatabaseQuery("sqlite", operation, table, sql);
        var started = time.GetTimestamp();
        try
        {
            await run().ConfigureAwait(false);
            database.RecordOperation("sqlite", operation, ElapsedSeconds.Since(time, started));
            return null;
        }
        catch (SqliteException ex)
        {
            database.RecordOperation("sqlite", operation, ElapsedSeconds.Since(time, started), ex.GetType().Name);
            query.RecordFailure(ex); // error.type, the exception event and the error status, as the conventions ask
            loggers.CreateLogger("AccuScene.Otel.Demo.Scenes").RecordEvent(
                AccuSceneEventCategory.Api,
                AccuSceneEventSeverity.Error,
                "api.scene_unavailable",
                $"{operation} on {table} for {sceneId} failed, answered 503: the scene database is unavailable",
                new KeyValuePair<string, object?>(AccuSceneAttributes.SceneId, sceneId));
            return Results.Problem("The scene database is unavailable.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
