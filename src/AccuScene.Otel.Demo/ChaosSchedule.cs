namespace AccuScene.Otel.Demo;

/// <summary>
/// <c>--chaos</c>: takes the database away for 20 s out of every 60 s, starting 10 s after start-up, by
/// moving the SQLite file aside and back. Every query fails meanwhile, so <c>/health/ready</c> turns 503 and
/// recovers, while <c>/health/live</c> stays 200.
/// </summary>
internal sealed partial class ChaosSchedule(SceneStore store, TimeProvider time, ILogger<ChaosSchedule> logger) : BackgroundService
{
    public static readonly TimeSpan FirstOutage = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Cycle = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var aside = store.Path + ".offline";
        try
        {
            await Task.Delay(FirstOutage, time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!TryMove(store.Path, aside))
                {
                    // Nothing to take away this cycle (the file is missing or busy); try again next cycle.
                    await Task.Delay(Cycle, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                Log.DatabaseOffline(logger, Outage.TotalSeconds);
                try
                {
                    await Task.Delay(Outage, time, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    if (TryMove(aside, store.Path))
                    {
                        Log.DatabaseBack(logger);
                    }
                }

                await Task.Delay(Cycle - Outage, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the file is back in place.
        }
    }

    private bool TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
            return true;
        }
        catch (IOException ex)
        {
            Log.MoveFailed(logger, ex, from, to);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Chaos: the database is offline for {Seconds} s")]
        public static partial void DatabaseOffline(ILogger logger, double seconds);

        [LoggerMessage(21, LogLevel.Warning, "Chaos: the database is back")]
        public static partial void DatabaseBack(ILogger logger);

        [LoggerMessage(22, LogLevel.Error, "Chaos: could not move {From} to {To}")]
        public static partial void MoveFailed(ILogger logger, Exception exception, string from, string to);
    }
}
