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

        // Windows are measured on timestamps (a wall clock's step moves none), so the hook is on their read.
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
}
