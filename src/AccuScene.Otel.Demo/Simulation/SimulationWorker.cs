using System.Diagnostics;
using System.Net.Http.Json;
using AccuScene.Otel.Demo.Chaos;
using AccuScene.Otel.Demo.Physics;
using AccuScene.Otel.Demo.Scenes;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Instrumentation.Tracing;
using AccuScene.Otel.Profiling;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>
/// Reconstructs the scenes <c>POST /scenes/{id}/simulate</c> queued: loads the scene through the demo's own
/// API (so HttpClient and ASP.NET Core propagate context), steps the collision physics in batches of a fixed
/// timestep, and stores the result in SQLite. A span per run and per batch of steps, the simulation metrics
/// per step, <c>simulation.collision_detected</c> and <c>simulation.completed</c> events, and profiling scopes
/// for collision detection, integration and persistence.
/// </summary>
internal sealed partial class SimulationWorker(
    SimulationQueue queue,
    IHttpClientFactory httpClients,
    SimulationMetrics simulation,
    DatabaseMetrics database,
    SceneStore store,
    AccuSceneProfiler profiler,
    ILogger<SimulationWorker> logger,
    ILoggerFactory loggers,
    ChaosState chaos,
    DemoCounters counters,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private const int StepsPerBatch = 120;
    private const int ProfileEvery = 20;

    /// <summary>The logger category of the per-collision events.</summary>
    public const string CollisionCategory = "AccuScene.Otel.Demo.Simulation.Collisions";

    private readonly ILogger _collisionLogger = loggers.CreateLogger(CollisionCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The web server stops before this service does: the app's stopping ends the work, so no run fails calling
        // a server that is gone, and nothing that fails once the app stops is a failed run.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        await this.ProcessAsync(stopping.Token).ConfigureAwait(false);
    }

    private async Task ProcessAsync(CancellationToken stoppingToken)
    {
        var run = 0;
        try
        {
            await foreach (var sceneId in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                run++;
                try
                {
                    await this.RunAsync(run, sceneId, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // A failed call, a timeout or a bad scene fails this run only (RunAsync recorded it); the worker goes on.
                    counters.RunFailed();
                }
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever the last call ended with (cancelled, or refused by a server already gone) is that.
        }
    }

    private async Task RunAsync(int run, string sceneId, CancellationToken cancellationToken)
    {
        using var activity = AccuSceneSpans.StartSimulationRun(sceneId, vehicleCount: 0, sessionId: "demo-session");
        Log.RunStarted(logger, run, sceneId);
        var started = false;
        try
        {
            if (await LoadAsync(sceneId, cancellationToken).ConfigureAwait(false) is not { } scene)
            {
                // Deleted while the run was queued (the load generator deletes its oldest scenes): nothing to do.
                activity?.SetTag("accuscene.simulation.skipped", "scene_deleted");
                Log.SceneGone(logger, run, sceneId);
                return;
            }

            activity?.SetTag(AccuScene.Otel.Instrumentation.AccuSceneAttributes.SimulationVehicleCount, scene.Vehicles.Count);
            simulation.SimulationStarted();
            started = true;
            var result = this.Reconstruct(scene, cancellationToken);
            await this.StoreAsync(result, cancellationToken).ConfigureAwait(false);
            counters.RunCompleted(result.Collisions.Count);

            // The run's one line on the console: the event is the log record.
            logger.RecordEvent(
                AccuSceneEventCategory.Simulation,
                AccuSceneEventSeverity.Info,
                "simulation.completed",
                $"Simulation of {sceneId} completed: {result.Collisions.Count} collision(s) in {result.SimulatedSeconds:F2} s simulated ({result.Steps} steps)",
                new KeyValuePair<string, object?>("accuscene.scene.id", sceneId),
                new KeyValuePair<string, object?>("accuscene.simulation.frames", result.Steps),
                new KeyValuePair<string, object?>("accuscene.simulation.collisions", result.Collisions.Count));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The run failed because of what failed inside it (a query or a call, whose span has the exception):
            // the run's span gets the status and error.type, not a second exception event. The warning is recorded
            // while the run's span is current, so it carries its trace id.
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            logger.RecordEvent(AccuSceneEventCategory.Simulation, AccuSceneEventSeverity.Warning, "simulation.failed", $"Simulation run {run} of {sceneId} failed: {ex.Message}");
            throw;
        }
        finally
        {
            if (started)
            {
                simulation.SimulationEnded();
            }
        }
    }

    private async Task<Scene?> LoadAsync(string sceneId, CancellationToken cancellationToken)
    {
        using var load = AccuSceneSpans.StartSceneLoad(sceneId);
        load?.SetTag(ExpectedStatusProcessor.ExpectedStatusCodeTag, 404); // a scene deleted since it was queued
        var client = httpClients.CreateClient("self");
        using var response = await client.GetAsync(new Uri($"scenes/{Uri.EscapeDataString(sceneId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(DemoJsonContext.Default.Scene, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException($"GET /scenes/{sceneId} answered no scene.");
    }

    private SimulationResult Reconstruct(Scene scene, CancellationToken cancellationToken)
    {
        var world = Reconstruction.CreateWorld(scene);
        var all = new List<Collision>();
        var step = new List<Collision>();
        while (!Reconstruction.Finished(world))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var batch = AccuSceneSpans.StartSimulationStep(world.Steps, world.Timestep);
            var batchStarted = time.GetTimestamp();
            var stepsBefore = world.Steps;
            for (var i = 0; i < StepsPerBatch && !Reconstruction.Finished(world); i++)
            {
                // Every step is timed for the metrics; one in ProfileEvery is also a profiling scope.
                var stepStarted = time.GetTimestamp();
                var profiled = world.Steps % ProfileEvery == 0;
                using (profiled ? profiler.Scope("integration") : default)
                {
                    world.Integrate();
                }

                step.Clear();
                using (profiled ? profiler.Scope("collision-detection") : default)
                {
                    world.ResolveCollisions(step);
                }

                if (chaos.SlowSteps && world.Steps % 10 == 0)
                {
                    Thread.Sleep(ChaosState.SlowStep); // chaos: one step in ten stalls past the frame budget
                }

                simulation.RecordStep(ElapsedSeconds.Since(time, stepStarted), world.Timestep);
                foreach (var collision in step)
                {
                    // One event per collision: a log record inside the step's span (so it carries its trace), at
                    // debug on a category of its own, which the demo's configuration lets through to the events.
                    all.Add(collision);
                    _collisionLogger.RecordEvent(
                        AccuSceneEventCategory.Simulation,
                        AccuSceneEventSeverity.Debug,
                        "simulation.collision_detected",
                        $"{collision.First} and {collision.Second} collided in {scene.Id} at {collision.Time:F3} s, closing at {collision.ClosingSpeed:F1} m/s",
                        new KeyValuePair<string, object?>("accuscene.scene.id", scene.Id),
                        new KeyValuePair<string, object?>("accuscene.vehicle.first", collision.First),
                        new KeyValuePair<string, object?>("accuscene.vehicle.second", collision.Second),
                        new KeyValuePair<string, object?>("accuscene.collision.closing_speed", Math.Round(collision.ClosingSpeed, 3)));
                }
            }

            var elapsed = Math.Max(ElapsedSeconds.Since(time, batchStarted), 1e-9);
            var framesPerSecond = (world.Steps - stepsBefore) / elapsed;
            simulation.RecordFramesPerSecond(framesPerSecond);
            Log.BatchStepped(logger, scene.Id, world.Steps, world.Time, framesPerSecond);
        }

        return Reconstruction.Result(scene.Id, world, all, time.GetUtcNow());
    }

    private async Task StoreAsync(SimulationResult result, CancellationToken cancellationToken)
    {
        using var query = AccuSceneSpans.StartDatabaseQuery("sqlite", "INSERT", "results", SceneQueries.UpsertResult);
        var started = time.GetTimestamp();
        try
        {
            using (profiler.Scope("persistence"))
            {
                await store.StoreResultAsync(result, cancellationToken).ConfigureAwait(false);
            }

            database.RecordOperation("sqlite", "INSERT", ElapsedSeconds.Since(time, started));
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            // The query's span records the exception (error.type, an exception event: the event store's database
            // error); the run then records simulation.failed. No third event for the same failure.
            database.RecordOperation("sqlite", "INSERT", ElapsedSeconds.Since(time, started), ex.GetType().Name);
            query.RecordFailure(ex);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Simulation run {Run} started for {SceneId}")]
        public static partial void RunStarted(ILogger logger, int run, string sceneId);

        [LoggerMessage(5, LogLevel.Debug, "Simulation run {Run} skipped: {SceneId} was deleted while it was queued")]
        public static partial void SceneGone(ILogger logger, int run, string sceneId);

        [LoggerMessage(4, LogLevel.Debug, "Stepped {SceneId} to step {Step} ({SimulatedSeconds:F2} s) at {FramesPerSecond:F0} fps")]
        public static partial void BatchStepped(ILogger logger, string sceneId, long step, double simulatedSeconds, double framesPerSecond);
    }
}
