using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>Rules added, changed or handed back at run time: what they read, and who can change them.</summary>
public class RulesAtRunTimeTests
{
    [Test]
    public void AHistogramRuleAddedAtRunTime_ReadsOnlyWhatCameAfterIt_NotTheProcessLifetime()
    {
        using var system = AccuSceneTelemetrySystem.Create().Start();
        using var meter = new Meter("AccuScene.Tests.RunTimeRules");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.runtime.duration", "s");

        // Before the rules exist: 100 slow steps, long exported.
        for (var i = 0; i < 100; i++)
        {
            histogram.Record(5);
        }

        system.ForceFlush();
        system.Alerts!.AddRule(Rule("mean-slow", AlertAggregation.Average));
        system.Alerts.AddRule(Rule("p95-slow", AlertAggregation.Percentile));
        system.ForceFlush();

        // After: only fast steps. Reading the lifetime, the mean would be 4.5 s and p95 5 s.
        for (var i = 0; i < 10; i++)
        {
            histogram.Record(0.1);
        }

        system.ForceFlush();
        Assert.That(system.Alerts.Active().Select(a => a.Rule), Is.Empty, "the steps before the rules are not in their window");

        // And the rules do read what comes after them.
        for (var i = 0; i < 100; i++)
        {
            histogram.Record(5);
        }

        system.ForceFlush();
        Assert.That(system.Alerts.Active().Select(a => a.Rule), Is.EquivalentTo(new[] { "mean-slow", "p95-slow" }));

        static AlertRule Rule(string name, AlertAggregation aggregation) => new()
        {
            Name = name,
            Metric = "accuscene.tests.runtime.duration",
            Aggregation = aggregation,
            Quantile = 0.95,
            Threshold = 1,
        };
    }

    [Test]
    public void ARuleChangedByItsCallerAfterItWasAdded_RunsAsValidated()
    {
        var rule = new AlertRule { Name = "hot", Metric = "accuscene.tests.temperature", Threshold = 10 };
        var engine = new AccuSceneAlertEngine([]);
        engine.AddRule(rule);

        // Unvalidated changes to the caller's object, and to the copy handed back.
        rule.Threshold = double.NaN;
        rule.Window = TimeSpan.MaxValue;
        engine.Rules[0].Threshold = 1_000;

        Assert.DoesNotThrow(() => engine.Check("accuscene.tests.temperature", 20));
        Assert.Multiple(() =>
        {
            Assert.That(engine.Active().Select(a => a.Rule), Is.EqualTo(new[] { "hot" }), "the rule still fires over 10");
            Assert.That(engine.Rules[0].Threshold, Is.EqualTo(10));
            Assert.That(engine.Rules[0].Window, Is.EqualTo(TimeSpan.FromMinutes(1)));
        });
    }

    [Test]
    public void ARuleWithAnInfiniteUpperThreshold_CanBeReplacedByAFreshCopy()
    {
        // A reload builds new rule objects: comparing them with the running ones must not fail on +∞.
        static AlertRule Band() => new() { Name = "band", Metric = "accuscene.tests.load", Kind = AlertThresholdKind.Between, Threshold = 10, UpperThreshold = double.PositiveInfinity };
        var engine = new AccuSceneAlertEngine([Band()]);

        Assert.DoesNotThrow(() => engine.ReplaceRules([Band()]));
        Assert.That(AccuSceneAlertEngine.Validate(new AlertRule { Name = "n", Metric = "m", UpperThreshold = double.NaN }), Does.Contain("UpperThreshold must be a number"));
    }

    [Test]
    public void Copy_CarriesEverySetting()
    {
        var rule = new AlertRule
        {
            Name = "n",
            Metric = "m",
            Aggregation = AlertAggregation.Percentile,
            Quantile = 0.9,
            Window = TimeSpan.FromMinutes(3),
            Kind = AlertThresholdKind.Outside,
            Threshold = 1,
            UpperThreshold = 2,
            Scope = AlertScope.Fleet,
            Severity = AlertSeverity.Critical,
            For = TimeSpan.FromSeconds(4),
            KeepFiringFor = TimeSpan.FromSeconds(5),
            Cooldown = TimeSpan.FromSeconds(6),
        };
        rule.Tags["t"] = "1";
        rule.Labels["l"] = "2";
        rule.Annotations["a"] = "3";

        // Every public property, compared through the same JSON the engine compares rules with.
        var copy = rule.Copy();
        Assert.That(
            System.Text.Json.JsonSerializer.Serialize(copy, AlertRuleJsonContext.Default.AlertRule),
            Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(rule, AlertRuleJsonContext.Default.AlertRule)));
        Assert.That(typeof(AlertRule).GetProperties().Select(p => p.GetValue(copy)).Zip(typeof(AlertRule).GetProperties().Select(p => p.GetValue(new AlertRule()))).Count(p => Equals(p.First, p.Second)), Is.EqualTo(0), "every property was set away from its default, so the comparison covers it");
    }

    [TestCase(new[] { 5_010.0, 0, 10, 20 }, TestName = "A counter series restarting is no burst of events for a RateLimit rule")]
    [TestCase(new[] { 5_010, double.NaN, 5_030, 5_040 }, TestName = "A counter series turning NaN and back is no burst of events for a RateLimit rule")]
    public void OneCounterSeriesRestartingOrTurningNaN_IsNoBurstOfEvents(double[] smallSeries)
    {
        // "More than 100 events in a minute": the two series together grow 20 an export.
        using var dropped = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(AccuScene.Otel.Diagnostics.AccuSceneSelfDiagnostics.AlertSamplesDropped);
        double big = 1_000_000, small = 5_000;
        using var system = AccuSceneTelemetrySystem.Create(o => o.Alerts.Rules.Add(new AlertRule
        {
            Name = "burst",
            Metric = "accuscene.tests.runtime.handled",
            Kind = AlertThresholdKind.RateLimit,
            Threshold = 100,
        })).Start();
        using var meter = new Meter("AccuScene.Tests.RunTimeRules.Counter");
        meter.CreateObservableCounter("accuscene.tests.runtime.handled", () => new[]
        {
            new Measurement<double>(big, new KeyValuePair<string, object?>("source", "big")),
            new Measurement<double>(small, new KeyValuePair<string, object?>("source", "small")),
        });

        system.ForceFlush();
        foreach (var next in smallSeries)
        {
            (big, small) = (big + 10, next);
            system.ForceFlush();
        }

        // Read as "everything restarted", the drop counted the big series' whole million as new events.
        Assert.That(system.Alerts!.Active().Select(a => a.Rule), Is.Empty);

        // A NaN point is left out of the sums, and counted.
        var invalid = dropped.GetMeasurementSnapshot().Where(m => m.Tags["rule"] is "burst" && m.Tags["reason"] is "invalid_value").Sum(m => m.Value);
        Assert.That(invalid, Is.EqualTo(smallSeries.Count(double.IsNaN)));
    }

    [Test]
    public void TheSameOptionsGivenToTheFacadeTwice_OrFixedAfterABadRulesFile_AddTheFilesRulesOnce()
    {
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Rules": [ { "Name": "good", "Metric": "m" }, { "Name": "bad", "Metric": "m", "Kind": "Outside", "Threshold": 2 } ] }""");
        try
        {
            var options = new AccuSceneOptions();
            options.Alerts.RulesFile = file;
            Assert.That(() => AccuSceneTelemetrySystem.Create(options), Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>());
            Assert.That(options.Alerts.Rules, Is.Empty, "a file with a bad rule adds none");

            File.WriteAllText(file, """{ "Rules": [ { "Name": "good", "Metric": "m" } ] }""");
            using (AccuSceneTelemetrySystem.Create(options))
            {
            }

            using var again = AccuSceneTelemetrySystem.Create(options).Start();
            Assert.That(again.Alerts!.Rules.Select(r => r.Name), Is.EqualTo(new[] { "good" }));

            again.Options.Alerts.RulesFile = null;
            using var cleared = AccuSceneTelemetrySystem.Create(options).Start();
            Assert.That(cleared.Alerts!.Rules, Is.Empty, "a cleared RulesFile takes its rules away");

            // Set to a missing file before Start, then back: the failed read took the rules away, the next one reads again.
            options.Alerts.RulesFile = file;
            using var retried = AccuSceneTelemetrySystem.Create(options);
            retried.Options.Alerts.RulesFile = file + ".missing";
            Assert.That(() => retried.Start(), Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>());
            retried.Options.Alerts.RulesFile = file;
            Assert.That(retried.Start().Alerts!.Rules.Select(r => r.Name), Is.EqualTo(new[] { "good" }));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
