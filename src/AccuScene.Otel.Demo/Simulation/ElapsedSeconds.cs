namespace AccuScene.Otel.Demo.Simulation;

/// <summary>The time since a timestamp, in seconds, at the clock's own resolution.</summary>
internal static class ElapsedSeconds
{
    /// <summary>
    /// The seconds since <paramref name="started"/>, from the timestamps themselves: <see cref="TimeProvider.GetElapsedTime(long)"/>
    /// returns a <see cref="TimeSpan"/>, which cuts to 100 ns, and a physics step of a small scene takes less, so
    /// half the steps would be recorded as taking no time at all.
    /// </summary>
    /// <param name="time">The clock the timestamp came from.</param>
    /// <param name="started">A timestamp of <paramref name="time"/>.</param>
    /// <returns>The seconds elapsed.</returns>
    public static double Since(TimeProvider time, long started) =>
        (time.GetTimestamp() - started) / (double)time.TimestampFrequency;
}
