using System.Globalization;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Health;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>Now and then (every 30 s), one short line on standard output: what the demo has done and how it is.</summary>
internal sealed class ProgressReporter(DemoCounters counters, IServiceProvider services, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var health = services.GetService<AccuSceneHealthMonitor>()?.GetReport(HealthProbe.Ready).Status.ToString() ?? "n/a";
                var firing = services.GetService<AccuSceneAlertEngine>()?.Active().Count(a => a.State == AlertState.Firing) ?? 0;
                var elapsed = time.GetElapsedTime(started);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[progress {elapsed:hh\\:mm\\:ss}] {counters.Runs} reconstructions ({counters.Failed} failed), {counters.Collisions} collisions, {counters.Requests} API calls; ready: {health}; alerts firing: {firing}"));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
