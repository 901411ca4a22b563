using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Alerts;

public class AlertEngineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Test]
    public void NotificationsOfOneRule_KeepTheOrderOfItsSteps_WhenTwoThreadsFeedIt()
    {
        // The firing's handler still runs when another thread resolves the alert: its resolution used to be raised
        // first, so a receiver showed the alert firing for good.
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero }]);
        var states = new List<AlertState>();
        Task? resolving = null;
        engine.Notification += (_, notification) =>
        {
            if (notification.State == AlertState.Firing && resolving is null)
            {
                resolving = Task.Run(() => engine.Check("m", 0));
                resolving.Wait(TimeSpan.FromMilliseconds(500)); // a resolution raised meanwhile would land first
            }

            lock (states)
            {
                states.Add(notification.State);
            }
        };

        engine.Check("m", 5);

        Assert.That(resolving!.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(states, Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));
    }

    [Test]
    public void HandlersOfTwoRulesThatCallBackIntoTheEngineAtOnce_DoNotDeadlock()
    {
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "a", Metric = "a", Threshold = 1 }, new AlertRule { Name = "b", Metric = "b", Threshold = 1 }]);
        using var both = new Barrier(2);
        engine.Notification += (_, notification) =>
        {
            if (notification.State == AlertState.Firing)
            {
                both.SignalAndWait(TimeSpan.FromSeconds(5)); // both rules' handlers run at once
                engine.Evaluate();
            }
        };

        var a = Task.Run(() => engine.Check("a", 5));
        var b = Task.Run(() => engine.Check("b", 5));

        Assert.That(Task.WaitAll([a, b], TimeSpan.FromSeconds(20)), Is.True, "each handler evaluates every rule while the other's runs");
    }

    [Test]
    public void ARuleRemovedWhileItsFiringIsBeingRaised_IsResolvedAfterIt()
    {
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Threshold = 1 }]);
        var seen = new List<AlertState>();
        using var inHandler = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        engine.Notification += (_, notification) =>
        {
            if (notification.State == AlertState.Firing)
            {
                inHandler.Set();
                release.Wait(TimeSpan.FromSeconds(10));
            }
        };
        engine.Notification += (_, notification) =>
        {
            lock (seen)
            {
                seen.Add(notification.State);
            }
        };

        var firing = Task.Run(() => engine.Check("m", 5));
        Assert.That(inHandler.Wait(TimeSpan.FromSeconds(10)), Is.True);
        var removed = engine.RemoveRule("r"); // its resolution waits for the firing's handlers
        release.Set();

        Assert.That(firing.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(removed, Is.True);
        Assert.That(seen, Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));
    }

    [Test]
    public void LabelAndAnnotationNames_MustBePrometheusLabelNames_AndTheirSizesAreBounded()
    {
        static string? Check(Action<AlertRule> change)
        {
            var rule = new AlertRule { Name = "r", Metric = "m" };
            change(rule);
            return AccuSceneAlertEngine.Validate(rule);
        }

        Assert.Multiple(() =>
        {
            Assert.That(Check(r => r.Labels["team.name"] = "x"), Does.Contain("Labels name 'team.name' must be a Prometheus label name"));
            Assert.That(Check(r => r.Annotations["runbook-url"] = "x"), Does.Contain("Annotations name 'runbook-url'"));
            Assert.That(Check(r => r.Labels["5g"] = "x"), Does.Contain("not starting with a digit"));
            Assert.That(Check(r => r.Annotations["summary"] = new string('x', 4_097)), Does.Contain("Annotations:summary must be text of at most 4096 characters"));
            Assert.That(Check(r => r.Labels["team"] = new string('x', 1_025)), Does.Contain("at most 1024 characters"));
            Assert.That(Check(r => Enumerable.Range(0, 33).ToList().ForEach(i => r.Labels[$"l{i}"] = "x")), Does.Contain("at most 32 entries"));
            Assert.That(Check(r => { r.Labels["team_name"] = "physics"; r.Annotations["summary"] = new string('x', 4_096); }), Is.Null);
        });
    }

    [TestCase(AlertThresholdKind.GreaterThan, 10, null, 11, 9)]
    [TestCase(AlertThresholdKind.LessThan, 10, null, 9, 11)]
    [TestCase(AlertThresholdKind.Between, 10, 20, 15, 25)]
    [TestCase(AlertThresholdKind.Outside, 10, 20, 25, 15)]
    public void EachValueThreshold_FiresAndResolves(AlertThresholdKind kind, double threshold, double? upper, double firing, double quiet)
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "r", Metric = "m", Kind = kind, Threshold = threshold, UpperThreshold = upper, Cooldown = TimeSpan.Zero });

        engine.Check("m", quiet);
        Assert.That(engine.Active(), Is.Empty);
        engine.Check("m", firing);
        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing));
        _time.Advance(TimeSpan.FromSeconds(1));
        engine.Check("m", quiet);

        Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));
        Assert.That(engine.History().Single().ResolvedAt, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public void PercentageChange_ComparesTheLastWindowWithTheOneBefore()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "jump", Metric = "m", Kind = AlertThresholdKind.PercentageChange, Threshold = 50, Window = TimeSpan.FromSeconds(10) });
        engine.Check("m", 100);
        _time.Advance(TimeSpan.FromSeconds(10));

        engine.Check("m", 140); // this window averages 140 against 100 in the one before: +40%
        Assert.That(notes, Is.Empty);
        engine.Check("m", 200); // (140 + 200) / 2 = 170 against 100: +70%

        Assert.That(notes.Single().State, Is.EqualTo(AlertState.Firing));
        Assert.That(notes.Single().Alert.Value, Is.EqualTo(70).Within(1e-9));
    }

    [Test]
    public void RateLimit_CountsEventsInTheWindow()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "burst", Metric = "logins.failed", Kind = AlertThresholdKind.RateLimit, Threshold = 3, Window = TimeSpan.FromSeconds(10) });
        for (var i = 0; i < 3; i++)
        {
            engine.Check("logins.failed", 1);
            _time.Advance(TimeSpan.FromSeconds(4));
        }

        Assert.That(notes, Is.Empty, "never more than 3 inside any 10 s");
        engine.Check("logins.failed", 1);
        engine.Check("logins.failed", 1);
        engine.Check("logins.failed", 1);

        Assert.That(notes.Single().Alert.Value, Is.EqualTo(4));
    }

    /// <summary>
    /// A rule keeps at most 1,024 samples. An hour's window fed every second (as the in-process reader does when
    /// the dashboard sets a 1 s pace) holds 3,600: samples in one slot merge, so the whole window still counts.
    /// The last 1,024 seconds differ from the rest of the hour (3 instead of 1; a total growing by 4 instead of 2
    /// a second, restarting once in the middle), so reading only the newest 1,024 samples gives other figures.
    /// </summary>
    [TestCase(AlertThresholdKind.RateLimit, AlertAggregation.LastValue, 3600)]
    [TestCase(AlertThresholdKind.GreaterThan, AlertAggregation.Sum, (2576 * 1) + (1024 * 3))]
    [TestCase(AlertThresholdKind.GreaterThan, AlertAggregation.Average, ((2576 * 1) + (1024 * 3)) / 3600.0)]
    [TestCase(AlertThresholdKind.GreaterThan, AlertAggregation.Rate, ((2576 * 2) + (1024 * 4)) / 3600.0)]
    public void AnHourLongWindow_FedEverySecond_CountsTheWholeHour(AlertThresholdKind kind, AlertAggregation aggregation, double expected)
    {
        var (engine, _) = this.Engine(new AlertRule { Name = "hour", Metric = "m", Kind = kind, Aggregation = aggregation, Threshold = kind == AlertThresholdKind.RateLimit ? 0 : -1, Window = TimeSpan.FromHours(1) });
        var total = 0.0;
        for (var second = 1; second <= 7200; second++)
        {
            var late = second > 7200 - 1024;
            total = second == 5400 ? 2 : total + (late ? 4 : 2); // the total restarts once, half-way into the hour
            engine.Check("m", aggregation == AlertAggregation.Rate ? total : late ? 3 : 1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        engine.Evaluate();
        Assert.That(engine.Active().Single().Value, Is.EqualTo(expected).Within(expected * 0.01), "within a slot (a 512th of two windows) of the exact figure");
    }

    [TestCase(AlertAggregation.Average, 20)]
    [TestCase(AlertAggregation.Sum, 60)]
    [TestCase(AlertAggregation.Percentile, 30)]
    [TestCase(AlertAggregation.LastValue, 30)]
    public void Aggregations_UseTheWindow(AlertAggregation aggregation, double expected)
    {
        var (engine, _) = this.Engine(new AlertRule { Name = "agg", Metric = "m", Aggregation = aggregation, Quantile = 0.99, Threshold = -1, Window = TimeSpan.FromSeconds(10) });
        engine.Check("m", 1000); // leaves the window below
        _time.Advance(TimeSpan.FromSeconds(11));
        foreach (var value in new[] { 10.0, 20, 30 })
        {
            engine.Check("m", value);
        }

        Assert.That(engine.Active().Single().Value, Is.EqualTo(expected));
    }

    [Test]
    public void Rate_IsTheIncreasePerSecond_AndSurvivesACounterReset()
    {
        var (engine, _) = this.Engine(new AlertRule { Name = "errors", Metric = "errors", Aggregation = AlertAggregation.Rate, Threshold = 1, Window = TimeSpan.FromSeconds(30) });
        engine.Check("errors", 100);
        _time.Advance(TimeSpan.FromSeconds(10));
        engine.Check("errors", 150);

        Assert.That(engine.Active().Single().Value, Is.EqualTo(5));
    }

    [Test]
    public void For_KeepsTheAlertPendingUntilTheConditionHeldLongEnough()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "slow", Metric = "m", Threshold = 10, For = TimeSpan.FromSeconds(30) });
        engine.Check("m", 20);
        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Pending));
        _time.Advance(TimeSpan.FromSeconds(29));
        engine.Evaluate();
        Assert.That(notes, Is.Empty);
        _time.Advance(TimeSpan.FromSeconds(1));
        engine.Evaluate();
        Assert.That(notes.Single().State, Is.EqualTo(AlertState.Firing));

        // A condition that stops holding while pending goes back to inactive without any notification.
        var (other, otherNotes) = this.Engine(new AlertRule { Name = "blip", Metric = "m", Threshold = 10, For = TimeSpan.FromSeconds(30) });
        other.Check("m", 20);
        _time.Advance(TimeSpan.FromSeconds(5));
        other.Check("m", 5);
        Assert.That((other.Active().Count, otherNotes.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void KeepFiringFor_HoldsTheAlertAfterTheConditionStops()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "sticky", Metric = "m", Threshold = 10, KeepFiringFor = TimeSpan.FromSeconds(60) });
        engine.Check("m", 20);
        engine.Check("m", 5);
        _time.Advance(TimeSpan.FromSeconds(59));
        engine.Check("m", 5);
        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing));
        _time.Advance(TimeSpan.FromSeconds(1));
        engine.Evaluate();

        Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));
    }

    [Test]
    public void Cooldown_SuppressesAFlappingAlertsNotifications()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "flap", Metric = "m", Threshold = 10, Cooldown = TimeSpan.FromMinutes(5) });
        for (var i = 0; i < 10; i++)
        {
            engine.Check("m", 20);
            engine.Check("m", 5);
            _time.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }), "one firing and its resolution within 5 minutes; the other nine end quietly");
        Assert.That(engine.Statistics().SuppressedByCooldown, Is.EqualTo(9));
        _time.Advance(TimeSpan.FromMinutes(5));
        engine.Check("m", 20);
        Assert.That(notes, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task EightThreadsFeedingOneRule_ProduceNoDuplicateNotificationInsideTheCooldown()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "busy", Metric = "m", Threshold = 10, Cooldown = TimeSpan.FromHours(1) });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                engine.Check("m", i % 2 == 0 ? 20 : 5);
            }
        })));

        Assert.That(notes.Count(n => n.State == AlertState.Firing), Is.EqualTo(1));
        Assert.That(notes.Count(n => n.State == AlertState.Resolved), Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void Acknowledgement_IsRecordedAndCountsInTheStatistics()
    {
        var (engine, _) = this.Engine(new AlertRule { Name = "ack", Metric = "m", Threshold = 10, Severity = AlertSeverity.Critical });
        engine.Check("m", 20);
        var id = engine.Active().Single().Id;
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.That(engine.Acknowledge(id, "ada", "looking at the solver"), Is.True);
        Assert.That(engine.Acknowledge("nope", "ada"), Is.False);
        _time.Advance(TimeSpan.FromMinutes(3));
        engine.Check("m", 5);

        var resolved = engine.History().Single();
        var statistics = engine.Statistics();
        Assert.Multiple(() =>
        {
            Assert.That(resolved.Acknowledgement, Is.EqualTo(new AlertAcknowledgement("ada", _time.GetUtcNow().AddMinutes(-3), "looking at the solver")));
            Assert.That(statistics.MeanTimeToAcknowledge, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(statistics.MeanTimeToResolve, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(statistics.BySeverity[AlertSeverity.Critical], Is.EqualTo(1));
            Assert.That(statistics.ByState[AlertState.Resolved], Is.EqualTo(1));
        });
    }

    [Test]
    public void AFiringAlert_IsAnnouncedAgainEachCooldown_UntilAcknowledged()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "hot", Metric = "m", Threshold = 10, Cooldown = TimeSpan.FromMinutes(5) });
        engine.Check("m", 20);
        _time.Advance(TimeSpan.FromMinutes(4));
        engine.Check("m", 20);
        Assert.That(notes, Has.Count.EqualTo(1), "inside the cooldown");
        _time.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 20);
        Assert.That(notes.Select(n => n.Repeat), Is.EqualTo(new[] { false, true }));

        engine.Acknowledge(engine.Active().Single().Id, "ada");
        _time.Advance(TimeSpan.FromMinutes(20));
        engine.Check("m", 20);
        Assert.That(notes, Has.Count.EqualTo(2), "acknowledged: no repeats");
        engine.Check("m", 5);
        Assert.That(notes[^1].State, Is.EqualTo(AlertState.Resolved), "the resolution is still announced");
    }

    [Test]
    public void AReFiringSuppressedByTheCooldown_IsAnnouncedOnceTheCooldownHasPassed_IfItStillFires()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "flap", Metric = "m", Threshold = 10, Cooldown = TimeSpan.FromMinutes(5) });
        engine.Check("m", 20);
        engine.Check("m", 5);
        _time.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 20); // fires again inside the cooldown: not announced yet
        Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));

        _time.Advance(TimeSpan.FromMinutes(4));
        engine.Check("m", 20);

        Assert.That(notes, Has.Count.EqualTo(3));
        Assert.That((notes[2].State, notes[2].Repeat, notes[2].Alert.Id), Is.EqualTo((AlertState.Firing, false, engine.Active().Single().Id)));
    }

    [Test]
    public void AReFiringAcknowledgedWhileTheCooldownHeldItBack_IsNeverAnnounced()
    {
        // #18: it used to be announced once the cooldown passed, acknowledgement or not.
        var (engine, notes) = this.Engine(new AlertRule { Name = "flap", Metric = "m", Threshold = 10, Cooldown = TimeSpan.FromMinutes(5) });
        engine.Check("m", 20);
        engine.Check("m", 5);
        _time.Advance(TimeSpan.FromMinutes(1));
        engine.Check("m", 20); // fires again inside the cooldown: held back
        Assert.That(engine.Acknowledge(engine.Active().Single().Id, "ada"), Is.True);

        _time.Advance(TimeSpan.FromMinutes(4));
        engine.Check("m", 20);
        engine.Check("m", 5);

        Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }), "neither the held-back firing nor its resolution");
    }

    [Test]
    public void PercentageChangeOfAPercentile_IsRefused() =>
        Assert.That(
            () => new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Kind = AlertThresholdKind.PercentageChange, Aggregation = AlertAggregation.Percentile, Threshold = 10 }]),
            Throws.ArgumentException.With.Message.Contains("PercentageChange cannot compare percentiles"));

    [Test]
    public void WeightedSamples_CountAsTheEventsTheyStandFor()
    {
        var sum = new AlertRule { Name = "sum", Metric = "m", Aggregation = AlertAggregation.Sum, Threshold = -1, Window = TimeSpan.FromSeconds(10) };
        var mean = new AlertRule { Name = "mean", Metric = "m", Aggregation = AlertAggregation.Average, Threshold = -1, Window = TimeSpan.FromSeconds(10) };
        var p90 = new AlertRule { Name = "p90", Metric = "m", Aggregation = AlertAggregation.Percentile, Quantile = 0.9, Threshold = -1, Window = TimeSpan.FromSeconds(10) };
        var burst = new AlertRule { Name = "burst", Metric = "m", Kind = AlertThresholdKind.RateLimit, Threshold = 10, Window = TimeSpan.FromSeconds(10) };
        var engine = new AccuSceneAlertEngine([sum, mean, p90, burst], _time);

        // Two exported histogram intervals: 8 measurements averaging 1, then 2 averaging 6.
        engine.CheckRule(sum, 1, 8);
        engine.CheckRule(mean, 1, 8);
        engine.CheckRule(p90, 1, 8);
        engine.CheckRule(burst, 1, 8);
        engine.CheckRule(sum, 6, 2);
        engine.CheckRule(mean, 6, 2);
        engine.CheckRule(p90, 6, 2);
        engine.CheckRule(burst, 6, 2);

        var values = engine.Active().ToDictionary(a => a.Rule, a => a.Value);
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, double> { ["sum"] = 20, ["mean"] = 2, ["p90"] = 6 }), "10 events: not over the rate limit of 10");
        engine.CheckRule(burst, 3, 1);
        Assert.That(engine.Active().Single(a => a.Rule == "burst").Value, Is.EqualTo(11));
    }

    [Test]
    public void PercentageChange_UsesTheRulesAggregation()
    {
        var (engine, notes) = this.Engine(new AlertRule { Name = "traffic", Metric = "requests", Aggregation = AlertAggregation.Rate, Kind = AlertThresholdKind.PercentageChange, Threshold = 50, Window = TimeSpan.FromSeconds(20) });
        for (var t = 0; t < 20; t += 5)
        {
            engine.Check("requests", t * 10); // 10 per second
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        for (var t = 20; t <= 40; t += 5)
        {
            engine.Check("requests", 200 + ((t - 20) * 30)); // 30 per second
            if (t < 40)
            {
                _time.Advance(TimeSpan.FromSeconds(5));
            }
        }

        Assert.That(notes.Single().State, Is.EqualTo(AlertState.Firing));
        Assert.That(engine.Active().Single().Value, Is.EqualTo(200).Within(1e-9), "30/s over (20 s, 40 s] against 10/s over (0 s, 20 s] is +200%");
    }

    [Test]
    public void LabelsAnnotationsAndTagFilters()
    {
        var rule = new AlertRule { Name = "p95", Metric = "http.server.request.duration", Threshold = 0.5, Severity = AlertSeverity.High };
        rule.Tags["http.route"] = "/scenes/{id}";
        rule.Labels["team"] = "physics";
        rule.Annotations["summary"] = "{metric} is {value} s, above {threshold} s";
        var (engine, notes) = this.Engine(rule);

        engine.Check("http.server.request.duration", 0.9, new Dictionary<string, string> { ["http.route"] = "/health" });
        Assert.That(notes, Is.Empty, "another route");
        engine.Check("http.server.request.duration", 0.9, new Dictionary<string, string> { ["http.route"] = "/scenes/{id}" });

        var alert = notes.Single().Alert;
        Assert.That(alert.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["alertname"] = "p95", ["severity"] = "high", ["team"] = "physics" }));
        Assert.That(alert.Annotations["summary"], Is.EqualTo("http.server.request.duration is 0.9 s, above 0.5 s"));
    }

    [Test]
    public void TheThresholdAndTheValue_AreFilledInAsTheExportedRulesWriteThem()
    {
        // Before, "G6" wrote 1234567 as 1.23457E+06 here, while the Prometheus rules wrote 1234567.
        // And Prometheus prints {{ $value }} through Go's "%.6g": 1.5e+09, where .NET's G6 writes 1.5E+09.
        var rule = new AlertRule { Name = "queue", Metric = "m", Threshold = 1234567 };
        rule.Annotations["summary"] = "queue over {threshold}: {value}";
        var (engine, notes) = this.Engine(rule);

        engine.Check("m", 1.5e9);

        Assert.That(notes.Single().Alert.Annotations["summary"], Is.EqualTo("queue over 1234567: 1.5e+09"), "PrometheusAlertRulesTests checks the export's side");
    }

    [Test]
    public void WhileFiring_TheSummaryTellsTheValueNow_AndTheValueAtFiringIsKept()
    {
        var rule = new AlertRule { Name = "errors", Metric = "m", Threshold = 5, KeepFiringFor = TimeSpan.FromSeconds(30) };
        rule.Annotations["summary"] = "{value} requests answered 503 (limit {threshold})";
        var quiet = new AlertRule { Name = "quiet", Metric = "other", Threshold = 5 };
        var engine = new AccuSceneAlertEngine([rule, quiet], _time);

        engine.Check("m", 12);
        var fired = engine.Active().Single();
        engine.Check("m", 97);
        var later = engine.Active().Single();
        engine.Check("m", 1); // no longer holds, still firing for KeepFiringFor
        var cooling = engine.Active().Single();

        Assert.Multiple(() =>
        {
            Assert.That(fired.Annotations["summary"], Is.EqualTo("12 requests answered 503 (limit 5)"));
            Assert.That(later.State, Is.EqualTo(AlertState.Firing));
            Assert.That(later.Annotations["summary"], Is.EqualTo("97 requests answered 503 (limit 5)"), "re-rendered with the current value");
            Assert.That(later.Value, Is.EqualTo(97));
            Assert.That(later.ValueAtFiring, Is.EqualTo(12), "the value at firing is kept apart");
            Assert.That(cooling.Annotations["summary"], Is.EqualTo("1 requests answered 503 (limit 5)"));
            Assert.That(engine.Statistics().ByState[AlertState.Inactive], Is.EqualTo(1), "the quiet rule has no active alert");
            Assert.That(engine.Statistics().ByState[AlertState.Firing], Is.EqualTo(1));
        });
        Assert.That(AlertJson.Serialize(engine), Does.Contain("\"value\": 1,").And.Contain("\"value_at_firing\": 12,").And.Contain("\"inactive\": 1"));
    }

    [Test]
    public void HistoryIsBounded_AndDropsAreCounted()
    {
        var rule = new AlertRule { Name = "h", Metric = "m", Threshold = 10, Cooldown = TimeSpan.Zero };
        var engine = new AccuSceneAlertEngine([rule], _time, historySize: 3);
        for (var i = 0; i < 5; i++)
        {
            engine.Check("m", 20);
            engine.Check("m", 5);
        }

        Assert.That(engine.History(), Has.Count.EqualTo(3));
        Assert.That(engine.Statistics().HistoryDropped, Is.EqualTo(2));
    }

    [TestCase("", "m", "needs a Name")]
    [TestCase("r", "", "'r' needs a Metric")]
    [TestCase("team/queue-high", "m", "Name must be at most 256 characters, without '/' or control characters")]
    [TestCase("queue\nhigh", "m", "without '/' or control characters")]
    public void InvalidRules_FailWithTheRuleNamed(string name, string metric, string expected) =>
        Assert.That(() => new AccuSceneAlertEngine([new AlertRule { Name = name, Metric = metric }]), Throws.ArgumentException.With.Message.Contains(expected));

    [Test]
    public void ANameLongerThan256Characters_IsRefused() =>
        Assert.That(AccuSceneAlertEngine.Validate(new AlertRule { Name = new string('n', 257), Metric = "m" }), Does.Contain("at most 256 characters"));

    [Test]
    public void AMetricLongerThanAnInstrumentName_IsRefused()
    {
        Assert.That(AccuSceneAlertEngine.Validate(new AlertRule { Name = "r", Metric = new string('m', 255) }), Is.Null);
        Assert.That(AccuSceneAlertEngine.Validate(new AlertRule { Name = "r", Metric = new string('m', 256) }), Does.Contain("Metric must be at most 255 characters").And.Contain("it has 256"));
    }

    [Test]
    public void AnAnnotationOfPlaceholders_IsCutWhenFilledIn()
    {
        var rule = new AlertRule { Name = "r", Metric = new string('m', 255), Threshold = 1 };
        rule.Annotations["summary"] = string.Concat(Enumerable.Repeat("{metric}", 512)); // 4,096 characters
        var engine = new AccuSceneAlertEngine([rule], _time);
        engine.Check(rule.Metric, 5);

        var summary = engine.Active().Single().Annotations["summary"];
        Assert.That(summary, Has.Length.EqualTo(8_192), "512 × 255 characters filled in, cut at twice the longest template");
        Assert.That(summary, Does.StartWith(new string('m', 300)).And.EndWith("…"));
    }

    [Test]
    public void TheHistory_IsAlsoBoundedInBytes_TheOldestGo_AndTheDropsAreCounted()
    {
        var rule = new AlertRule { Name = "big", Metric = "m", Threshold = 10, Cooldown = TimeSpan.Zero };
        for (var i = 0; i < 32; i++)
        {
            rule.Annotations[$"a{i}"] = new string('x', 4_096);
        }

        var engine = new AccuSceneAlertEngine([rule], _time, historySize: 100_000);
        for (var i = 0; i < 100; i++)
        {
            engine.Check("m", 20);
            engine.Check("m", 5);
        }

        var history = engine.History();
        var bytes = history.Sum(AlertSize.Of);
        var each = AlertSize.Of(history[0]);
        Assert.That(each, Is.GreaterThan(32 * 4_096 * 2), "32 annotations of 4,096 characters, two bytes each");
        Assert.That(bytes, Is.LessThanOrEqualTo(AccuSceneAlertEngine.MaxHistoryBytes));
        Assert.That(bytes + each, Is.GreaterThan(AccuSceneAlertEngine.MaxHistoryBytes), "as many as fit are kept");
        Assert.That(engine.Statistics().HistoryDropped, Is.EqualTo(100 - history.Count));
        Assert.That(history[0].Sequence, Is.GreaterThan(history[^1].Sequence), "the newest are kept");
    }

    [Test]
    public void ARateLimitOfAPercentile_IsRefused_ForItWouldCountNothing() =>
        Assert.That(
            AccuSceneAlertEngine.Validate(new AlertRule { Name = "r", Metric = "m", Kind = AlertThresholdKind.RateLimit, Aggregation = AlertAggregation.Percentile, Threshold = 5 }),
            Does.Contain("RateLimit counts measurements, so it takes no percentile"));

    [Test]
    public void AnAlertAcknowledgedWhilePending_CountsZeroTimeToAcknowledge_NotANegativeOne()
    {
        var (engine, _) = this.Engine(new AlertRule { Name = "early", Metric = "m", Threshold = 10, For = TimeSpan.FromMinutes(1) });
        engine.Check("m", 20);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(engine.Acknowledge(engine.Active().Single().Id, "ada"), Is.True, "acknowledged while pending");
        _time.Advance(TimeSpan.FromSeconds(50));
        engine.Check("m", 20);
        Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing));

        Assert.That(engine.Statistics().MeanTimeToAcknowledge, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void ARangeWithoutAnUpperBound_IsRefused() =>
        Assert.That(() => new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Kind = AlertThresholdKind.Between, Threshold = 1 }]), Throws.ArgumentException.With.Message.Contains("needs an UpperThreshold"));

    private (AccuSceneAlertEngine Engine, List<AlertNotification> Notes) Engine(AlertRule rule)
    {
        var engine = new AccuSceneAlertEngine([rule], _time);
        var notes = new List<AlertNotification>();
        engine.Notification += (_, n) =>
        {
            lock (notes)
            {
                notes.Add(n);
            }
        };
        return (engine, notes);
    }
}
