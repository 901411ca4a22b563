using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Alerts;

[NonParallelizable]
public class AlertmanagerChannelTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task AFiringAlert_IsActiveInAlertmanagerWithItsLabels_AndEndsWhenResolved(CancellationToken cancellationToken)
    {
        using var alertmanager = await AlertmanagerServer.StartAsync(cancellationToken);
        var rule = new AlertRule { Name = "CoreTemperatureHigh", Metric = "core.temperature", Threshold = 90, Severity = AlertSeverity.Critical };
        rule.Labels["team"] = "physics";
        rule.Annotations["summary"] = "core at {value} C";
        var engine = new AccuSceneAlertEngine([rule]);
        // endsAt a minute ahead (3 x resend): the alert can only be gone within 10 s if the resolution was sent.
        using var delivery = Delivery(engine, alertmanager.Url, resend: TimeSpan.FromSeconds(20));

        engine.Check("core.temperature", 95);
        var alert = (await alertmanager.WaitForAlertAsync("CoreTemperatureHigh", TimeSpan.FromSeconds(30), cancellationToken))!.Value;

        Assert.That(alert.State, Is.EqualTo("active"));
        Assert.That(alert.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["alertname"] = "CoreTemperatureHigh", ["severity"] = "critical", ["team"] = "physics" }));
        Assert.That(alert.EndsAt, Is.GreaterThan(TimeProvider.System.GetUtcNow()), "endsAt lies ahead (now + 3 x resend interval)");

        engine.Check("core.temperature", 20);
        var gone = await alertmanager.WaitForAlertAsync("CoreTemperatureHigh", TimeSpan.FromSeconds(10), cancellationToken, present: false);
        Assert.That(gone, Is.Null, "resolved in Alertmanager by the SDK, long before its endsAt would expire it");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task R5_AlertmanagerDownFor20Seconds_NothingCrashes_TheQueueStaysBounded_AndTheAlertArrivesAfterwards(CancellationToken cancellationToken)
    {
        using var alertmanager = await AlertmanagerServer.StartAsync(cancellationToken);
        var firing = new AlertRule { Name = "SolverDiverged", Metric = "solver.residual", Threshold = 1, Severity = AlertSeverity.High };
        var flapping = new AlertRule { Name = "Flapping", Metric = "flap", Threshold = 1, Cooldown = TimeSpan.Zero };
        var engine = new AccuSceneAlertEngine([firing, flapping]);
        long dropped = 0, failed = 0, delivered = 0;
        using var listener = Count(AlertDelivery.NotificationsName, (outcome, n) =>
        {
            _ = outcome switch
            {
                "dropped" => Interlocked.Add(ref dropped, n),
                "failed" => Interlocked.Add(ref failed, n),
                _ => Interlocked.Add(ref delivered, n),
            };
        });
        const int capacity = 16;
        using var delivery = Delivery(engine, alertmanager.Url, resend: TimeSpan.FromSeconds(1), capacity);

        alertmanager.Stop();
        engine.Check("solver.residual", 5);
        var maxQueued = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(20))
        {
            // Meanwhile a flapping rule floods the channel: the queue must not grow past its capacity.
            for (var i = 0; i < 50; i++)
            {
                engine.Check("flap", 5);
                engine.Check("flap", 0);
            }

            maxQueued = Math.Max(maxQueued, delivery.Queued);
            await Task.Delay(200, cancellationToken);
        }

        await alertmanager.StartAgainAsync(cancellationToken);
        var back = System.Diagnostics.Stopwatch.StartNew();
        var alert = (await alertmanager.WaitForAlertAsync("SolverDiverged", TimeSpan.FromSeconds(60), cancellationToken))!.Value;
        TestContext.Out.WriteLine($"R5: Alertmanager down 20 s; queue peaked at {maxQueued} (capacity {capacity}); {Interlocked.Read(ref dropped)} dropped and counted, {Interlocked.Read(ref failed)} failed after retries, {Interlocked.Read(ref delivered)} delivered; SolverDiverged arrived {back.Elapsed.TotalSeconds:F1} s after Alertmanager came back");

        Assert.That(alert.State, Is.EqualTo("active"));
        Assert.That(maxQueued, Is.LessThanOrEqualTo(capacity));
        Assert.That(Interlocked.Read(ref dropped), Is.GreaterThan(0), "the flood overflowed the bounded queue, and every drop was counted");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task AnEditedRule_RelabelsItsFiringAlertInAlertmanager_TheOldLabelSetEnds_AndAnUndoneEditFiresAgain(CancellationToken cancellationToken)
    {
        using var alertmanager = await AlertmanagerServer.StartAsync(cancellationToken);
        var rule = new AlertRule { Name = "SolverSlow", Metric = "solver.time", Threshold = 1, Severity = AlertSeverity.High };
        var engine = new AccuSceneAlertEngine([rule]);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = alertmanager.Url, ResendInterval = TimeSpan.FromSeconds(20), Timeout = TimeSpan.FromSeconds(2) }); // endsAt a minute ahead
        using var delivery = new AlertDelivery(engine, [channel], new AlertDeliveryOptions());

        engine.Check("solver.time", 5);
        await alertmanager.WaitForAlertAsync("SolverSlow", TimeSpan.FromSeconds(30), cancellationToken);
        var edited = rule.Copy();
        edited.Severity = AlertSeverity.Critical;
        engine.ReplaceRules([edited]);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        List<string> severities;
        do
        {
            await Task.Delay(250, cancellationToken);
            severities = [.. (await alertmanager.AlertsAsync(cancellationToken)).Where(a => a.Labels["alertname"] == "SolverSlow" && a.State == "active").Select(a => a.Labels["severity"])];
        }
        while (!severities.SequenceEqual(["critical"]) && watch.Elapsed < TimeSpan.FromSeconds(10));

        Assert.That(severities, Is.EqualTo(new[] { "critical" }), "one alert, with the edited severity, well before the old one would expire");

        // The edit undone: the label set that fires again is not also sent resolved.
        engine.ReplaceRules([rule]);
        watch.Restart();
        do
        {
            await Task.Delay(250, cancellationToken);
            severities = [.. (await alertmanager.AlertsAsync(cancellationToken)).Where(a => a.Labels["alertname"] == "SolverSlow" && a.State == "active").Select(a => a.Labels["severity"])];
        }
        while (!severities.SequenceEqual(["high"]) && watch.Elapsed < TimeSpan.FromSeconds(10));

        Assert.That(severities, Is.EqualTo(new[] { "high" }), "the alert fires again with its first labels, and the edited one has ended");

        // Edited while firing, resolved, edited back, and firing again as a new alert with the first labels: the
        // copy of those labels sent resolved at the first edit is not sent beside it.
        engine.ReplaceRules([edited]);
        engine.Check("solver.time", 0);
        engine.ReplaceRules([rule]);
        engine.Check("solver.time", 5);
        watch.Restart();
        List<AlertInstance> held;
        do
        {
            await Task.Delay(250, cancellationToken);
            held = channel.Held();
        }
        while (held.Count(a => a.ResolvedAt is null) == 0 && watch.Elapsed < TimeSpan.FromSeconds(10));

        Assert.That(
            held.Where(a => a.Labels["severity"] == "high").Select(a => a.ResolvedAt is null),
            Is.EqualTo(new[] { true }),
            "one alert with the first labels, firing; no resolved copy of them beside it");
    }

    internal static AlertDelivery Delivery(AccuSceneAlertEngine engine, Uri alertmanager, TimeSpan resend, int capacity = 1000) =>
        new(
            engine,
            [new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = alertmanager, ResendInterval = resend, Timeout = TimeSpan.FromSeconds(2) })],
            new AlertDeliveryOptions { QueueCapacity = capacity, RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(2), MaxRetries = 3 });

    internal static MeterListener Count(string instrument, Action<string, long> onMeasurement)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    onMeasurement((string)tag.Value!, value);
                }
            }
        });
        listener.Start();
        return listener;
    }
}
