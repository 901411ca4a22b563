using System.Globalization;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Health;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>
/// Every 30 s of run time, one line on standard output that stands out from the log lines: what the demo has
/// done and how it is. The marks are exact (<c>00:00:30</c>, <c>00:01:00</c>, …): each line is labelled with
/// its mark, not with the time the timer happened to fire.
/// </summary>
internal sealed class ProgressReporter(DemoCounters counters, IServiceProvider services, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>What every progress line starts with.</summary>
    public const string Marker = "=== progress";

    /// <summary>The progress line at <paramref name="mark"/>.</summary>
    public static string Line(TimeSpan mark, DemoCounters counters, string health, int firing) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Marker} {(int)mark.TotalHours:00}:{mark:mm\\:ss} === {counters.Runs} reconstructions ({counters.Failed} failed), {counters.Collisions} collisions, {counters.Requests} API calls; ready: {health}; alerts firing: {firing}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // The mark this tick stands for: the elapsed time rounded to the interval (a late or merged tick
                // still gets the mark it is nearest to, never a drifting 00:00:59).
                var marks = Math.Max(1, (long)Math.Round(time.GetElapsedTime(started) / Interval));
                var health = services.GetService<AccuSceneHealthMonitor>()?.GetReport(HealthProbe.Ready).Status.ToString() ?? "n/a";
                var firing = services.GetService<AccuSceneAlertEngine>()?.Active().Count(a => a.State == AlertState.Firing) ?? 0;
                Console.WriteLine(Line(Interval * marks, counters, health, firing));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
