using AccuScene.Otel.Demo.Simulation;

namespace AccuScene.Otel.Demo.Tests;

public class ElapsedSecondsTests
{
    [Test]
    public void AStepShorterThanATimeSpanTick_KeepsItsDuration()
    {
        // A nanosecond clock, as Stopwatch is on Linux: 60 ns is less than one 100 ns TimeSpan tick.
        var clock = new SteppingClock(nanosecondsPerRead: 60);
        var started = clock.GetTimestamp();

        var seconds = ElapsedSeconds.Since(clock, started);

        Assert.That(seconds, Is.EqualTo(60e-9).Within(1e-15));
    }

    private sealed class SteppingClock(long nanosecondsPerRead) : TimeProvider
    {
        private long _now = 1_000_000;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => _now += nanosecondsPerRead;
    }
}
