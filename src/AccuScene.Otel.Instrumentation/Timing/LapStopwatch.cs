using System.Diagnostics;

namespace AccuScene.Otel.Instrumentation.Timing;

/// <summary>
/// A stopwatch with named laps (time since the previous lap) and splits (time since the start):
/// <c>var watch = LapStopwatch.StartNew(); …; watch.Lap("broad-phase"); …; watch.Lap("narrow-phase");</c>.
/// Not thread-safe: one per timed sequence.
/// </summary>
public sealed class LapStopwatch
{
    private readonly List<(string Name, TimeSpan Lap, TimeSpan Split)> _laps = [];
    private long _started;
    private long _lastLap;

    private LapStopwatch()
    {
    }

    /// <summary>Gets the laps so far: name, time since the previous lap, and time since the start.</summary>
    public IReadOnlyList<(string Name, TimeSpan Lap, TimeSpan Split)> Laps => _laps;

    /// <summary>Gets the time since the start.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Starts a new stopwatch.</summary>
    /// <returns>The running stopwatch.</returns>
    public static LapStopwatch StartNew()
    {
        var watch = new LapStopwatch();
        watch.Restart();
        return watch;
    }

    /// <summary>Forgets the laps and starts again.</summary>
    public void Restart()
    {
        _laps.Clear();
        _started = Stopwatch.GetTimestamp();
        _lastLap = _started;
    }

    /// <summary>Ends a lap named <paramref name="name"/>.</summary>
    /// <param name="name">The lap's name.</param>
    /// <returns>The lap's duration (since the previous lap, or the start).</returns>
    public TimeSpan Lap(string name)
    {
        var now = Stopwatch.GetTimestamp();
        var lap = Stopwatch.GetElapsedTime(_lastLap, now);
        _laps.Add((name, lap, Stopwatch.GetElapsedTime(_started, now)));
        _lastLap = now;
        return lap;
    }

    /// <summary>Returns the time since the start without ending a lap.</summary>
    /// <returns>The split time.</returns>
    public TimeSpan Split() => this.Elapsed;
}
