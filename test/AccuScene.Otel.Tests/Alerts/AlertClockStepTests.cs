using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// A step of the wall clock (an NTP correction, a VM resumed) moves no window, no <c>For</c>, no <c>KeepFiringFor</c>
/// and no cooldown: those are measured on <see cref="TimeProvider.GetTimestamp"/>. The alerts' timestamps stay on
/// the wall clock.
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
    public void AfterAWallClockStepBack_AlertmanagerIsSentTheRulesNewAlert_NotItsLastResolvedOne()
    {
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero }], clock);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = new Uri("http://127.0.0.1:9") }, clock);
        engine.Notification += (_, n) => channel.Accept(n);
        engine.Check("m", 5);
        clock.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 0);

        clock.Step(-TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 5);

        var held = channel.Held().Single();
        Assert.That((held.Id, held.State), Is.EqualTo((engine.Active().Single().Id, AlertState.Firing)), "its PendingSince is an hour before the resolved alert's, and it is newer");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AWallClockStepForward_DoesNotLetAResolutionGoBeforeResolvedResendFor(CancellationToken cancellationToken)
    {
        // A stand-in for Alertmanager's API that takes every request: the channel lets a resolution go only after
        // a request that succeeded.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/api/v2/alerts", () => Results.Ok());
        await receiver.StartAsync(cancellationToken);
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }], clock);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = new Uri(receiver.Urls.Single()), ResolvedResendFor = TimeSpan.FromMinutes(15) }, clock);
        engine.Notification += (_, n) => channel.Accept(n);
        engine.Check("m", 5);
        engine.Check("m", 0);

        clock.Step(TimeSpan.FromHours(1));
        await channel.DeliverAsync([], cancellationToken);
        var kept = channel.Held().Count;
        clock.Advance(TimeSpan.FromMinutes(15));
        await channel.DeliverAsync([], cancellationToken);

        Assert.That((kept, channel.Held().Count), Is.EqualTo((1, 0)), "re-sent for 15 minutes of time elapsed, then let go");
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

    /// <summary>A clock whose wall time can be stepped while its timestamps run on.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
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
}
