namespace AccuScene.Otel.Demo;

/// <summary>What chaos is doing now; read by the simulation worker.</summary>
internal sealed class ChaosState
{
    /// <summary>How long each simulation step stalls while <see cref="SlowSteps"/> holds: past the 16 ms frame budget.</summary>
    public static readonly TimeSpan SlowStep = TimeSpan.FromMilliseconds(25);

    private volatile bool _slowSteps;

    public bool SlowSteps
    {
        get => _slowSteps;
        set => _slowSteps = value;
    }
}

/// <summary>
/// <c>--chaos</c>: takes the database away for 20 s out of every 60 s, starting 10 s after start-up, by
/// moving the SQLite file aside and back, and makes every simulation step stall for 25 ms meanwhile. Every
/// query fails, so <c>/health/ready</c> turns 503 and recovers while <c>/health/live</c> stays 200, and the
/// demo's default alert rules on step time and API errors fire.
/// </summary>
internal sealed partial class ChaosSchedule(SceneStore store, ChaosState state, TimeProvider time, ILogger<ChaosSchedule> logger) : BackgroundService
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
                state.SlowSteps = true;
                try
                {
                    await Task.Delay(Outage, time, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    state.SlowSteps = false;
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
