namespace AccuScene.Otel.Alerts;

/// <summary>
/// The alert engine's time: the wall time at its start plus the time elapsed since on the provider's monotonic
/// timestamp. <c>For</c>, <c>KeepFiringFor</c>, cooldowns and windows are durations, and a step of the system clock
/// (an NTP correction, a virtual machine resumed, an operator's <c>date -s</c>) must not fire a pending alert at
/// once, hold one back for the size of the step, or empty a window. The times it gives (when an alert went pending,
/// fired, resolved, was acknowledged) stay within the clock's slew of the wall time.
/// </summary>
internal sealed class SteadyClock
{
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _origin;
    private readonly long _start;

    public SteadyClock(TimeProvider time)
    {
        _time = time;
        _origin = time.GetUtcNow();
        _start = time.GetTimestamp();
    }

    public DateTimeOffset GetUtcNow() => _origin + _time.GetElapsedTime(_start);
}
