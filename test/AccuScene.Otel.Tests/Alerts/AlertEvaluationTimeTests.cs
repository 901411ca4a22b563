using AccuScene.Otel.Alerts;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>The time a rule is evaluated at is read under the rule's lock, with the samples it judges.</summary>
public class AlertEvaluationTimeTests
{
    [Test]
    public void AValueCheckedWhileAnEvaluationReadsTheClock_IsNotLeftOutOfTheWindow()
    {
        // The evaluation reads the clock; just then another thread checks a value a moment later, which fires the
        // rule. A step at the earlier time must not judge the rule without that value (and resolve it at once).
        var time = new HookedTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var rule = new AlertRule { Name = "avg", Metric = "m", Threshold = 10, Aggregation = AlertAggregation.Average, Window = TimeSpan.FromMinutes(1) };
        var engine = new AccuSceneAlertEngine([rule], time);
        time.OnNextRead = () =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            var other = new Thread(() => engine.Check("m", 20));
            other.Start();
            other.Join(TimeSpan.FromMilliseconds(300)); // blocked on the rule's lock, if the evaluation holds it
        };

        engine.Evaluate();
        SpinWait.SpinUntil(() => engine.Active().Count > 0, TimeSpan.FromSeconds(5));

        Assert.That(engine.Active().Select(a => a.State), Is.EqualTo(new[] { AlertState.Firing }), "the alert stays firing: the value is in its window");
    }

    private sealed class HookedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private Action? _onNextRead;

        public Action? OnNextRead
        {
            set => _onNextRead = value;
        }

        // The engine reads the time as a monotonic timestamp (SteadyClock).
        public override long GetTimestamp()
        {
            var now = base.GetTimestamp();
            if (Interlocked.Exchange(ref _onNextRead, null) is { } hook)
            {
                hook();
            }

            return now;
        }
    }

    [TestCase(1)]
    [TestCase(-1)]
    public void AStepOfTheSystemClock_NeitherFiresAPendingAlertNorHoldsItBack(int direction)
    {
        // An NTP correction or a resumed virtual machine moves the wall clock by an hour; the monotonic clock goes on.
        var time = new SteppedTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var rule = new AlertRule { Name = "hot", Metric = "m", Threshold = 10, For = TimeSpan.FromSeconds(30) };
        var engine = new AccuSceneAlertEngine([rule], time);

        engine.Check("m", 20);
        time.StepWallClock(TimeSpan.FromHours(direction));
        time.Advance(TimeSpan.FromSeconds(10));
        engine.Check("m", 20);
        var afterTen = engine.Active().Single().State;
        time.Advance(TimeSpan.FromSeconds(25));
        engine.Check("m", 20);

        // Before, a step forward fired the alert 10 s in, and a step back held it pending for an hour.
        Assert.That((afterTen, engine.Active().Single().State), Is.EqualTo((AlertState.Pending, AlertState.Firing)));
    }

    // The wall clock can jump while the timestamp (a monotonic clock) only moves with Advance.
    private sealed class SteppedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private TimeSpan _step;

        public void StepWallClock(TimeSpan step) => _step += step;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => base.GetUtcNow().UtcTicks;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _step;
    }
}
