using System.Diagnostics;

namespace AccuScene.Otel.Instrumentation.Timing;

/// <summary>A timer on <see cref="Stopwatch.GetTimestamp"/>: a struct holding one timestamp, so it allocates nothing.</summary>
public readonly struct ValueTimer
{
    private readonly long _started;

    private ValueTimer(long started)
    {
        _started = started;
    }

    /// <summary>Gets a value indicating whether the timer was started (a default timer was not).</summary>
    public bool IsStarted => _started != 0;

    /// <summary>Gets the time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);

    /// <summary>
    /// Gets the time since <see cref="Start"/> in seconds, the unit of duration histograms, at the stopwatch's own
    /// resolution (a nanosecond on Linux), not cut to the 100 ns of a <see cref="TimeSpan"/>.
    /// </summary>
    public double ElapsedSeconds => _started == 0 ? 0 : (Stopwatch.GetTimestamp() - _started) / (double)Stopwatch.Frequency;

    /// <summary>Starts a timer.</summary>
    /// <returns>The running timer.</returns>
    public static ValueTimer Start() => new(Stopwatch.GetTimestamp());
}
