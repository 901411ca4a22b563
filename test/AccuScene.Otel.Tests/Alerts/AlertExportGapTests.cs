using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// What OpenTelemetry leaves out of an export (a series an observable callback skipped, a metric with no point for a
/// while) is never a burst of events when it comes back; and a rule edit that measures the same way keeps what the
/// exporter gathered for it, as the engine keeps its alert.
/// </summary>
public class AlertExportGapTests
{
    [Test]
    public void ACounterSeriesTheCallbackSkipsOnce_IsNoBurstOfEventsWhenItComesBack()
    {
        double big = 1_000_000, small = 5_000;
        var reportSmall = true;
        using var system = Start("accuscene.tests.gaps.handled");
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Skip");
        meter.CreateObservableCounter("accuscene.tests.gaps.handled", () => reportSmall
            ? [new Measurement<double>(big, new KeyValuePair<string, object?>("source", "big")), new Measurement<double>(small, new KeyValuePair<string, object?>("source", "small"))]
            : new[] { new Measurement<double>(big, new KeyValuePair<string, object?>("source", "big")) });

        system.ForceFlush();
        foreach (var skip in new[] { false, true, false, false })
        {
            (big, small, reportSmall) = (big + 10, small + 10, !skip);
            system.ForceFlush();
        }

        // Read as new events, the small series' return counted its whole 5,030.
        Assert.That(system.Alerts!.Active().Select(a => a.Rule), Is.Empty);
    }

    [Test]
    public void OneCounterSeriesGoneAndAnotherBack_IsNoBurstOfEvents()
    {
        var totals = new Dictionary<string, double> { ["a"] = 1_000, ["b"] = 2_000, ["c"] = 3_000_000 };
        string[] reported = ["a", "b", "c"];
        using var system = Start("accuscene.tests.gaps.swapped");
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Swap");
        meter.CreateObservableCounter("accuscene.tests.gaps.swapped", () => reported.Select(q => new Measurement<double>(totals[q], new KeyValuePair<string, object?>("queue", q))).ToArray());

        system.ForceFlush();
        foreach (var next in new[] { new[] { "a", "b" }, ["a", "c"], ["a", "c"] })
        {
            foreach (var q in totals.Keys)
            {
                totals[q] += 10;
            }

            reported = next;
            system.ForceFlush();
        }

        // Two series both times: by their count alone, queue c's return counted its 3,000,030 as new events.
        Assert.That(system.Alerts!.Active().Select(a => a.Rule), Is.Empty);
    }

    [Test]
    public void ACounterBackAfterExportsWithoutIt_IsNoBurstOfTheirEvents()
    {
        long total = 0;
        var report = true;
        using var system = Start("accuscene.tests.gaps.jobs");
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Metric");
        meter.CreateObservableCounter("accuscene.tests.gaps.jobs", () => report ? [new Measurement<long>(total)] : Array.Empty<Measurement<long>>());

        system.ForceFlush();
        report = false;
        for (var i = 0; i < 5; i++)
        {
            total += 30; // 150 over five exports the metric was not in: 30 an export, never over 100
            system.ForceFlush();
        }

        report = true;
        system.ForceFlush();

        Assert.That(system.Alerts!.Active().Select(a => a.Rule), Is.Empty);
    }

    [Test]
    public void APercentileRuleEditedWhileFiring_KeepsItsAlertAndItsWindow()
    {
        var rule = new AlertRule { Name = "slow", Metric = "accuscene.tests.gaps.latency", Aggregation = AlertAggregation.Percentile, Quantile = 0.95, Threshold = 0.5 };
        using var system = AccuSceneTelemetrySystem.Create(o => o.Alerts.Rules.Add(rule)).Start();
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Edit");
        var latency = meter.CreateHistogram<double>("accuscene.tests.gaps.latency", "s");
        latency.Record(2.0);
        system.ForceFlush();
        var firing = system.Alerts!.Active().Single();

        var edited = new AlertRule { Name = "slow", Metric = rule.Metric, Aggregation = rule.Aggregation, Quantile = rule.Quantile, Threshold = rule.Threshold };
        edited.Annotations["summary"] = "p95 over half a second";
        system.Alerts.ReplaceRules([edited]);
        latency.Record(2.0); // still slow after the edit
        system.ForceFlush();

        var after = system.Alerts.Active();
        Assert.That(after.Select(a => (a.Id, a.State)), Is.EqualTo(new[] { (firing.Id, AlertState.Firing) }));
    }

    [Test]
    public void ARateOfAGauge_HasNoValue_AndIsCounted_NotAFallReadAsACounterRestart()
    {
        using var dropped = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(AccuScene.Otel.Diagnostics.AccuSceneSelfDiagnostics.AlertSamplesDropped);
        var depth = 1000L;
        using var system = AccuSceneTelemetrySystem.Create(o => o.Alerts.Rules.Add(new AlertRule
        {
            Name = "queue-growing",
            Metric = "accuscene.tests.gaps.depth",
            Aggregation = AlertAggregation.Rate,
            Threshold = 100,
        })).Start();
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Gauge");
        meter.CreateObservableGauge("accuscene.tests.gaps.depth", () => depth);

        foreach (var next in new[] { 1000L, 990, 1000, 990, 1000 })
        {
            depth = next;
            system.ForceFlush();
        }

        var counted = dropped.GetMeasurementSnapshot().Where(m => m.Tags["rule"] is "queue-growing" && m.Tags["reason"] is "not_a_counter").Sum(m => m.Value);
        Assert.Multiple(() =>
        {
            Assert.That(system.Alerts!.Active().Select(a => a.Rule), Is.Empty, "a queue going 1000, 990, 1000 grows by nothing");
            Assert.That(counted, Is.EqualTo(5));
        });
    }

    [Test]
    public void ARateOfAHistogram_HasNoValue_AndIsCounted_NotItsMeansReadAsACounter()
    {
        using var dropped = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(AccuScene.Otel.Diagnostics.AccuSceneSelfDiagnostics.AlertSamplesDropped);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "latency-rate", Metric = "accuscene.tests.gaps.latency", Aggregation = AlertAggregation.Rate, Threshold = 0.001 }], time);
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Histogram");
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddReader(new BaseExportingMetricReader(new AlertMetricExporter(engine, () => null)) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative })
            .Build()!;
        var latency = meter.CreateHistogram<double>("accuscene.tests.gaps.latency", "s");

        // Each export's mean, read as a counter's total, falls (a restart) and rises again: 2.0 "increase" in 4 s.
        foreach (var value in new[] { 1.0, 0.5, 1.0, 0.5, 1.0 })
        {
            latency.Record(value);
            provider.ForceFlush();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var counted = dropped.GetMeasurementSnapshot().Where(m => m.Tags["rule"] is "latency-rate" && m.Tags["reason"] is "not_a_counter").Sum(m => m.Value);
        Assert.Multiple(() =>
        {
            Assert.That(engine.Active().Select(a => a.Rule), Is.Empty, "a latency is no counter: it has no rate of increase");
            Assert.That(counted, Is.EqualTo(5));
        });
    }

    [Test]
    public void ACountersFirstBurst_AfterExportsWithoutIt_IsCounted()
    {
        using var system = Start("accuscene.tests.gaps.failures");
        using var meter = new Meter("AccuScene.Tests.AlertGaps.FirstBurst");
        var failures = meter.CreateCounter<long>("accuscene.tests.gaps.failures");
        for (var i = 0; i < 3; i++)
        {
            system.ForceFlush(); // no point yet: OpenTelemetry leaves the counter out of these exports
        }

        failures.Add(500);
        system.ForceFlush();

        // Taken as the baseline, the first 500 failures were never counted.
        Assert.That(system.Alerts!.Active().Select(a => a.Rule).ToArray(), Is.EqualTo(new[] { "burst" }));
    }

    [Test]
    public void AnObservableCounterCreatedAfterTheStart_IsNoBurstOfItsLifetimeTotal()
    {
        using var system = Start("accuscene.tests.gaps.lifetime");
        system.ForceFlush();
        system.ForceFlush();
        using var meter = new Meter("AccuScene.Tests.AlertGaps.Lifetime");
        meter.CreateObservableCounter("accuscene.tests.gaps.lifetime", () => 1_000_000L); // rows in a table since it began

        system.ForceFlush();
        system.ForceFlush();

        Assert.That(system.Alerts!.Active().Select(a => a.Rule).ToArray(), Is.Empty);
    }

    [Test]
    public void ARuleAddedAtRunTime_CountsTheFirstBurstOfACounterThatHadNoPointYet_ButNotTheTotalOfOneThatHad()
    {
        using var system = AccuSceneTelemetrySystem.Create().Start();
        using var meter = new Meter("AccuScene.Tests.AlertGaps.AddedRule");
        var quiet = meter.CreateCounter<long>("accuscene.tests.gaps.quiet");
        var busy = meter.CreateCounter<long>("accuscene.tests.gaps.busy");
        busy.Add(10_000);
        system.ForceFlush();
        foreach (var metric in new[] { "accuscene.tests.gaps.quiet", "accuscene.tests.gaps.busy" })
        {
            system.Alerts!.AddRule(new AlertRule { Name = metric, Metric = metric, Kind = AlertThresholdKind.RateLimit, Threshold = 100 });
        }

        system.ForceFlush(); // the rules' first export: busy's 10,000 since the start are its baseline
        system.ForceFlush();
        quiet.Add(500);
        system.ForceFlush();

        Assert.That(system.Alerts!.Active().Select(a => a.Rule).ToArray(), Is.EqualTo(new[] { "accuscene.tests.gaps.quiet" }));
    }

    private static AccuSceneTelemetrySystem Start(string metric) =>
        AccuSceneTelemetrySystem.Create(o => o.Alerts.Rules.Add(new AlertRule
        {
            Name = "burst",
            Metric = metric,
            Kind = AlertThresholdKind.RateLimit,
            Threshold = 100,
        })).Start();
}
