using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>A clock whose wall time can be stepped while its timestamps run on.</summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _steady = new(start);
    private long _stepTicks; // stepped from the delivery worker's thread too

    public override long TimestampFrequency => _steady.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _steady.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _stepTicks));

    public override long GetTimestamp() => _steady.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _steady.CreateTimer(callback, state, dueTime, period);

    public void Step(TimeSpan by) => Interlocked.Add(ref _stepTicks, by.Ticks);

    public void Advance(TimeSpan by) => _steady.Advance(by);
}
