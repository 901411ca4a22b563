using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Instrumentation.Tracing;
using AccuScene.Otel.Profiling;

namespace AccuScene.Otel.Demo;

/// <summary>
/// Runs a small simulation loop: each run loads a scene through the demo's own API (so HttpClient and
/// ASP.NET Core propagate context), steps it in batches, stores each batch's results in the SQLite database,
/// records the simulation and database metrics, and logs inside the spans. Issue #9 replaces the stand-in step with the real collision physics.
/// </summary>
internal sealed partial class SimulationWorker(
    IHttpClientFactory httpClients,
    SimulationMetrics simulation,
    DatabaseMetrics database,
    SceneStore store,
    AccuSceneProfiler profiler,
    ILogger<SimulationWorker> logger,
    ChaosState chaos,
    TimeProvider time)
    : BackgroundService
{
    private const int StepsPerRun = 60;
    private const int StepsPerBatch = 20;
    private const double Timestep = 1.0 / 60;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var run = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            run++;
            try
            {
                await this.RunOnceAsync(run, stoppingToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // A failed or timed-out call to the API fails this run only; the loop goes on after the same pause.
                logger.RecordEvent(AccuSceneEventCategory.Simulation, AccuSceneEventSeverity.Warning, "simulation.failed", $"Simulation run {run} failed: {ex.Message}");
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task RunOnceAsync(int run, CancellationToken cancellationToken)
    {
        var sceneId = $"scene-{(run % 5) + 1}";
        using var activity = AccuSceneSpans.StartSimulationRun(sceneId, vehicleCount: 2, sessionId: "demo-session");
        Log.RunStarted(logger, run, sceneId);
        simulation.SimulationStarted();
        try
        {
            await this.SimulateAsync(sceneId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            simulation.SimulationEnded();
        }
    }

    private async Task SimulateAsync(string sceneId, CancellationToken cancellationToken)
    {

        using (AccuSceneSpans.StartSceneLoad(sceneId))
        {
            var client = httpClients.CreateClient("self");
            using var response = await client.GetAsync(new Uri($"scenes/{sceneId}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }

        var started = time.GetTimestamp();
        for (long step = 0; step < StepsPerRun; step += StepsPerBatch)
        {
            using var batch = AccuSceneSpans.StartSimulationStep(step, Timestep);
            var batchStarted = time.GetTimestamp();
            for (var i = 0; i < StepsPerBatch; i++)
            {
                var stepStarted = time.GetTimestamp();
                using (profiler.Scope("collision-detection"))
                {
                    Thread.SpinWait(800);
                }

                using (profiler.Scope("integration"))
                {
                    Thread.SpinWait(1_200);
                    if (chaos.SlowSteps)
                    {
                        Thread.Sleep(ChaosState.SlowStep); // chaos: the solver stalls past the frame budget
                    }
                }

                simulation.RecordStep(time.GetElapsedTime(stepStarted).TotalSeconds, Timestep);
            }

            var framesPerSecond = StepsPerBatch / Math.Max(time.GetElapsedTime(batchStarted).TotalSeconds, 1e-9);
            simulation.RecordFramesPerSecond(framesPerSecond);
            Log.BatchStepped(logger, sceneId, step, step + StepsPerBatch - 1, framesPerSecond);
            using (var query = AccuSceneSpans.StartDatabaseQuery("sqlite", "INSERT", "results", "INSERT INTO results (scene_id, first_step, steps) VALUES ($scene, $from, $steps)"))
            {
                var queryStarted = time.GetTimestamp();
                try
                {
                    using (profiler.Scope("persistence"))
                    {
                        await store.StoreResultsAsync(sceneId, step, StepsPerBatch, cancellationToken).ConfigureAwait(false);
                    }

                    database.RecordOperation("sqlite", "INSERT", time.GetElapsedTime(queryStarted).TotalSeconds);
                    Log.ResultsStored(logger, sceneId, StepsPerBatch, step);
                }
                catch (Microsoft.Data.Sqlite.SqliteException ex)
                {
                    database.RecordOperation("sqlite", "INSERT", time.GetElapsedTime(queryStarted).TotalSeconds, ex.GetType().Name);
                    // One event per failure: the span gets the error status, the event carries the message.
                    query?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    logger.RecordEvent(
                        AccuSceneEventCategory.Database,
                        AccuSceneEventSeverity.Error,
                        "results.store_failed",
                        $"Could not store the results of {sceneId} from step {step}: {ex.Message}",
                        new KeyValuePair<string, object?>("accuscene.scene.id", sceneId));
                }
            }

            batch?.AddEvent(new ActivityEvent("batch.completed", tags: new ActivityTagsCollection { ["accuscene.simulation.steps"] = StepsPerBatch }));
        }

        Log.RunCompleted(logger, sceneId, time.GetElapsedTime(started).TotalMilliseconds);
        logger.RecordEvent(
            AccuSceneEventCategory.Simulation,
            AccuSceneEventSeverity.Info,
            "simulation.completed",
            $"Simulation of {sceneId} completed",
            new KeyValuePair<string, object?>("accuscene.scene.id", sceneId),
            new KeyValuePair<string, object?>("accuscene.simulation.frames", StepsPerRun));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Simulation run {Run} started for {SceneId}")]
        public static partial void RunStarted(ILogger logger, int run, string sceneId);

        [LoggerMessage(2, LogLevel.Information, "Simulation of {SceneId} completed in {ElapsedMs:F1} ms")]
        public static partial void RunCompleted(ILogger logger, string sceneId, double elapsedMs);

        [LoggerMessage(4, LogLevel.Information, "Stepped {SceneId} frames {FirstStep}-{LastStep} at {FramesPerSecond:F0} fps")]
        public static partial void BatchStepped(ILogger logger, string sceneId, long firstStep, long lastStep, double framesPerSecond);

        [LoggerMessage(5, LogLevel.Information, "Stored {Rows} result rows for {SceneId} from step {Step}")]
        public static partial void ResultsStored(ILogger logger, string sceneId, int rows, long step);

    }
}
