using System.Text.Json;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// The Alertmanager channel across a step of the wall clock: it knows a rule's newest alert by the engine's order,
/// keeps a resolution for <c>ResolvedResendFor</c> of elapsed time, and never sends an alert that ends before it
/// starts or a resolution in the future.
/// </summary>
public class AlertmanagerClockStepTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

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
    public void ARefreshReadBeforeARelabel_ChangesNothing()
    {
        // The resend's copy of the firing alerts, read just before a reload relabelled one: the older copy must not win.
        var clock = new SteppedClock(Start);
        var rule = new AlertRule { Name = "hot", Metric = "m", Threshold = 1 };
        rule.Labels["team"] = "physics";
        var engine = new AccuSceneAlertEngine([rule], clock);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = new Uri("http://127.0.0.1:9") }, clock);
        engine.Notification += (_, n) => channel.Accept(n);
        engine.QuietChange += (_, n) => channel.Accept(n);
        engine.Check("m", 5);
        var before = engine.Active().Single();

        var relabelled = new AlertRule { Name = "hot", Metric = "m", Threshold = 1 };
        relabelled.Labels["team"] = "render";
        engine.ReplaceRules([relabelled]);
        channel.Refresh(before);

        var held = channel.Held().Select(a => (a.Labels["team"], a.State)).ToList();
        Assert.That(held, Is.EquivalentTo(new[] { ("render", AlertState.Firing), ("physics", AlertState.Resolved) }));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AWallClockStepForward_DoesNotLetAResolutionGoBeforeResolvedResendFor(CancellationToken cancellationToken)
    {
        // The channel lets a resolution go only after a request that succeeded.
        await using var receiver = await Receiver.StartAsync(cancellationToken);
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }], clock);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = receiver.Url, ResolvedResendFor = TimeSpan.FromMinutes(15) }, clock);
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
    [CancelAfter(30_000)]
    public async Task AfterAStepBack_AlertmanagerIsSentNoAlertEndingBeforeItStarts_AndNoResolutionInTheFuture(CancellationToken cancellationToken)
    {
        await using var receiver = await Receiver.StartAsync(cancellationToken);
        var clock = new SteppedClock(Start);
        var engine = new AccuSceneAlertEngine(
            [new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }, new AlertRule { Name = "cold", Metric = "c", Threshold = 1 }, new AlertRule { Name = "warm", Metric = "w", Threshold = 1 }], clock);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = receiver.Url }, clock);
        engine.Notification += (_, n) => channel.Accept(n);
        engine.Check("m", 5); // fires at 12:00
        engine.Check("c", 5);
        engine.Check("c", 0); // resolves at 12:00
        engine.Check("w", 5); // fires at 12:00 and is still firing at the request

        clock.Step(-TimeSpan.FromHours(1));
        engine.Check("m", 0); // resolves at 11:00, before it fired

        await channel.DeliverAsync([], cancellationToken);

        var now = clock.GetUtcNow();
        Assert.That(
            receiver.Alerts.Select(a => (a.Name, a.StartsAt <= a.EndsAt, a.EndsAt <= now)),
            Is.EquivalentTo(new[] { ("hot", true, true), ("cold", true, true), ("warm", true, false) }),
            "each starts by its end; the resolved ones end by now, the firing one after it");
    }

    /// <summary>A stand-in for Alertmanager's <c>POST /api/v2/alerts</c>: like Alertmanager, it refuses the request when an alert ends before it starts.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app) => _app = app;

        public Uri Url => new(_app.Urls.Single());

        public List<(string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt)> Alerts { get; } = [];

        public static async Task<Receiver> StartAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var receiver = new Receiver(builder.Build());
            receiver._app.MapPost("/api/v2/alerts", receiver.TakeAsync);
            await receiver._app.StartAsync(cancellationToken);
            return receiver;
        }

        // The request's own token (RequestAborted) bounds the read.
        private async Task<IResult> TakeAsync(HttpRequest request)
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var alerts = body.RootElement.EnumerateArray()
                .Select(a => (a.GetProperty("labels").GetProperty("alertname").GetString()!, a.GetProperty("startsAt").GetDateTimeOffset(), a.GetProperty("endsAt").GetDateTimeOffset()))
                .ToList();
            this.Alerts.Clear();
            this.Alerts.AddRange(alerts);
            return alerts.Any(a => a.Item3 < a.Item2) ? Results.BadRequest("end time must not be before start time") : Results.Ok();
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
