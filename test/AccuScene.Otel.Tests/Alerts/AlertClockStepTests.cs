using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// A step of the wall clock (an NTP correction, a VM resumed) moves no window, no <c>For</c>, no <c>KeepFiringFor</c>
/// and no cooldown: those are measured on <see cref="TimeProvider.GetTimestamp"/>. The alerts' timestamps stay on
/// the wall clock. (The Alertmanager channel's part: <see cref="AlertmanagerClockStepTests"/>.)
/// </summary>
public class AlertClockStepTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void AWallClockStepForward_DoesNotCutShortAPendingAlertsFor()
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1, For = TimeSpan.FromMinutes(5) }], clock);
        engine.Check("m", 5);

        clock.Step(TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromSeconds(10));
        engine.Check("m", 5);

        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Pending), "10 s of a 5 min For have passed");
        clock.Advance(TimeSpan.FromMinutes(5));
        engine.Check("m", 5);
        var firing = engine.Active().Single();
        Assert.That(firing.State, Is.EqualTo(AlertState.Firing));
        Assert.That(firing.FiredAt, Is.EqualTo(Start + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(310)), "timestamps are the wall clock's");
    }

    [Test]
    public void AWallClockStepBack_DoesNotStretchThePendingAlertsFor()
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1, For = TimeSpan.FromMinutes(1) }], clock);
        engine.Check("m", 5);

        clock.Step(-TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 5);

        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing));
    }

    [Test]
    public void AWallClockStepForward_DoesNotEmptyAWindow_AndResolveAFiringAlert()
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine(
            [new AlertRule { Name = "slow", Metric = "m", Threshold = 1, Aggregation = AlertAggregation.Average, Window = TimeSpan.FromMinutes(1) }], clock);
        engine.Check("m", 5);
        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing));

        clock.Step(TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        engine.Evaluate();

        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing), "the window still holds the value of 1 s ago");
        Assert.That(engine.History(), Is.Empty);
    }

    [Test]
    public void AWallClockStepBack_DoesNotHoldBackTheNextNotificationForAnHour()
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1, Cooldown = TimeSpan.FromMinutes(1) }], clock);
        var notifications = new List<AlertNotification>();
        engine.Notification += (_, n) => notifications.Add(n);
        engine.Check("m", 5);

        clock.Step(-TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 5);

        Assert.That(notifications.Select(n => (n.State, n.Repeat)), Is.EqualTo(new[] { (AlertState.Firing, false), (AlertState.Firing, true) }));
    }

    [Test]
    public void AWallClockStepBack_DoesNotMakeTheTimeToResolveNegative()
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }], clock);
        engine.Check("m", 5);

        clock.Step(-TimeSpan.FromHours(1));
        engine.Check("m", 0);

        var statistics = engine.Statistics();
        Assert.That((statistics.MeanTimeToResolve, statistics.LongestFiring), Is.EqualTo(((TimeSpan?)TimeSpan.Zero, (TimeSpan?)TimeSpan.Zero)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AWallClockStepBack_DoesNotHoldBackAChannelsResendForAnHour(CancellationToken cancellationToken)
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([], clock);
        var channel = new ResendingChannel(clock);
        using var delivery = new AlertDelivery(engine, [channel], new AlertDeliveryOptions(), clock);

        // The fake clock runs on in 1 s steps, each left a moment to wake the worker. The channel's first resend
        // (at 1 min) steps the wall clock back an hour; the next one is due a minute later all the same.
        for (var seconds = 0; seconds < 240 && channel.Resends < 2; seconds++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, cancellationToken);
        }

        Assert.That(channel.Resends, Is.EqualTo(2), "two resends in four minutes of a one-minute interval, the wall clock stepped back between them");
    }

    /// <summary>A channel that resends its state every minute, and steps the wall clock back an hour on its first resend.</summary>
    private sealed class ResendingChannel(SteppedClock clock) : IAlertChannel
    {
        private int _resends;

        public string Name => "resending";

        public TimeSpan? ResendInterval => TimeSpan.FromMinutes(1);

        public int Resends => Volatile.Read(ref _resends);

        public void Accept(AlertNotification notification)
        {
        }

        public Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _resends) == 1)
            {
                clock.Step(-TimeSpan.FromHours(1));
            }

            return Task.CompletedTask;
        }
    }
}
