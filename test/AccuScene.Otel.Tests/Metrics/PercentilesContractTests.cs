using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Metrics.Percentiles;
using AccuScene.Otel.Tests.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>#17: what the sketch promises: identity by meter and name, release, one set per host, and every value counted.</summary>
public class PercentilesContractTests
{
    [Test]
    public void TwoMetersWithOneHistogramName_MergeForQueriesByName()
    {
        using var percentiles = new AccuScenePercentiles();
        using var a = new Meter("AccuScene.Tests.Contract.A");
        using var b = new Meter("AccuScene.Tests.Contract.B");
        var fast = a.CreateHistogram<double>("accuscene.tests.contract.shared", "s");
        var slow = b.CreateHistogram<double>("accuscene.tests.contract.shared", "s");
        for (var i = 0; i < 100; i++)
        {
            fast.Record(0.1);
            slow.Record(1.0);
        }

        var merged = percentiles.Find("accuscene.tests.contract.shared")!;
        var series = percentiles.Snapshot().Where(s => s.Instrument == "accuscene.tests.contract.shared").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(merged.Count, Is.EqualTo(200), "both meters, not the first one found");
            Assert.That(merged.P95, Is.EqualTo(1.0).Within(1).Percent);
            Assert.That(series.Select(s => s.Meter), Is.EquivalentTo(new[] { a.Name, b.Name }), "one series per meter in the snapshot");
        });
    }

    [Test]
    public void APercentileRule_OverTwoMetersOfOneName_SeesBoth()
    {
        // 100 × 0.1 s on one meter, 100 × 1 s on the other: only both together give p95 = 1 (over 0.5) and
        // p50 = 0.1 (under 0.5); either meter alone fails one of the two rules.
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Alerts.Rules.Add(Rule("slow-p95", 0.95));
            o.Alerts.Rules.Add(Rule("slow-p50", 0.5));
        });
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        using var a = new Meter("AccuScene.Tests.Contract.RuleA");
        using var b = new Meter("AccuScene.Tests.Contract.RuleB");
        var fast = a.CreateHistogram<double>("accuscene.tests.contract.rule", "s");
        var slow = b.CreateHistogram<double>("accuscene.tests.contract.rule", "s");
        for (var i = 0; i < 100; i++)
        {
            fast.Record(0.1);
            slow.Record(1.0);
        }

        meters.ForceFlush();

        var alert = engine.Active().Single();
        using var json = System.Text.Json.JsonDocument.Parse(AlertJson.Serialize(engine));
        var written = json.RootElement.GetProperty("active")[0];
        Assert.Multiple(() =>
        {
            Assert.That(alert.Rule, Is.EqualTo("slow-p95"), "p50 over both meters' 200 values is 0.1");
            Assert.That(alert.Value, Is.EqualTo(1.0).Within(1).Percent, "p95 over both meters' 200 values");
            Assert.That(alert.PercentileSource, Is.EqualTo("sketch"));
            Assert.That(alert.PercentileRelativeError, Is.EqualTo(0.01));
            Assert.That(written.GetProperty("percentile_source").GetString(), Is.EqualTo("sketch"), "/alerts says where the value came from");
            Assert.That(written.GetProperty("percentile_relative_error").GetDouble(), Is.EqualTo(0.01));
        });

        static AlertRule Rule(string name, double quantile) => new()
        {
            Name = name,
            Metric = "accuscene.tests.contract.rule",
            Aggregation = AlertAggregation.Percentile,
            Quantile = quantile,
            Threshold = 0.5,
        };
    }

    [Test]
    public void ADisposedMeter_IsReleased_AndARecreatedOneStartsEmpty()
    {
        using var percentiles = new AccuScenePercentiles();
        using (var first = new Meter("AccuScene.Tests.Contract.Recreated"))
        {
            var histogram = first.CreateHistogram<double>("accuscene.tests.contract.recreated");
            for (var i = 0; i < 5; i++)
            {
                histogram.Record(100);
            }

            Assert.That(percentiles.Find("accuscene.tests.contract.recreated")!.Count, Is.EqualTo(5));
        }

        Assert.That(percentiles.Find("accuscene.tests.contract.recreated"), Is.Null, "the dead instrument's data is gone");

        using var second = new Meter("AccuScene.Tests.Contract.Recreated");
        second.CreateHistogram<double>("accuscene.tests.contract.recreated").Record(1);
        var found = percentiles.Find("accuscene.tests.contract.recreated")!;
        Assert.That((found.Count, found.Max), Is.EqualTo((1L, 1.0)));
    }

    [Test]
    public void ANumericTag_IsOneSeries_WhateverTheRecordingThreadsCulture()
    {
        // OpenTelemetry keeps one point for the tag 0.5; a German thread used to make a second series, "0,5".
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Contract.Culture");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.contract.culture");
        foreach (var culture in new[] { "de-DE", "en-US", "fr-FR" })
        {
            var thread = new Thread(() =>
            {
                Thread.CurrentThread.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo(culture);
                histogram.Record(1, new KeyValuePair<string, object?>("ratio", 0.5), new KeyValuePair<string, object?>("at", new DateTime(2026, 12, 6)));
            });
            thread.Start();
            thread.Join();
        }

        Assert.Multiple(() =>
        {
            Assert.That(percentiles.Snapshot().Count(p => p.Instrument == "accuscene.tests.contract.culture"), Is.EqualTo(1));
            Assert.That(percentiles.Find("accuscene.tests.contract.culture", new("ratio", "0.5"), new("at", "12/06/2026 00:00:00"))?.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public void TwoThousandCreateDisposeCycles_KeepUnder100KB()
    {
        using var percentiles = new AccuScenePercentiles();
        Cycle(100); // warm up the listener's and the runtime's own lists
        var before = GC.GetTotalMemory(forceFullCollection: true);

        Cycle(2000);

        var kept = GC.GetTotalMemory(forceFullCollection: true) - before;
        TestContext.Out.WriteLine($"2,000 create/dispose cycles kept {kept:N0} B");
        Assert.That(kept, Is.LessThan(100 * 1024));
        Assert.That(percentiles.Snapshot().Where(s => s.Instrument == "accuscene.tests.contract.cycle"), Is.Empty);

        static void Cycle(int times)
        {
            for (var i = 0; i < times; i++)
            {
                using var meter = new Meter("AccuScene.Tests.Contract.Cycle");
                meter.CreateHistogram<double>("accuscene.tests.contract.cycle").Record(i, new KeyValuePair<string, object?>("scene", "s-1"));
            }
        }
    }

    [Test]
    public void TwoHostsInOneProcess_EachReadsOnlyItsOwnPercentiles()
    {
        using var first = Host();
        using var second = Host();
        _ = first.GetRequiredService<MeterProvider>();
        _ = second.GetRequiredService<MeterProvider>();
        for (var i = 0; i < 100; i++)
        {
            first.GetRequiredService<SimulationMetrics>().RecordStep(0.001, 1.0 / 60);
        }

        second.GetRequiredService<SimulationMetrics>().RecordStep(0.5, 1.0 / 60);

        var mine = first.GetRequiredService<AccuScenePercentiles>().Find("accuscene.simulation.step.duration")!;
        var theirs = second.GetRequiredService<AccuScenePercentiles>().Find("accuscene.simulation.step.duration")!;
        Assert.Multiple(() =>
        {
            Assert.That((mine.Count, mine.Max), Is.EqualTo((100L, 0.001)));
            Assert.That((theirs.Count, theirs.Max), Is.EqualTo((1L, 0.5)));
        });

        static ServiceProvider Host()
        {
            var services = new ServiceCollection();
            services.AddAccuScene();
            return services.BuildServiceProvider();
        }
    }

    [Test]
    public void TheFacadesPercentileRule_ReadsTheFacadesOwnSketch()
    {
        // Every value is 0.3 s. OpenTelemetry's default buckets put them all in [0, 5]: interpolated, p95 is 4.75
        // and a "p95 > 0.5" rule on the buckets would fire. The sketch says 0.3.
        using var system = AccuSceneTelemetrySystem.Create(o =>
        {
            o.Alerts.Rules.Add(Rule("facade-p95", 0.5));
            o.Alerts.Rules.Add(Rule("facade-p95-low", 0.2));
        }).Start();
        using var meter = new Meter("AccuScene.Tests.Contract.Facade");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.contract.facade", "s");
        for (var i = 0; i < 100; i++)
        {
            histogram.Record(0.3);
        }

        system.ForceFlush();

        var active = system.Alerts!.Active();
        Assert.Multiple(() =>
        {
            Assert.That(system.Percentiles!.Quantile("accuscene.tests.contract.facade", 0.95), Is.EqualTo(0.3).Within(1).Percent);
            Assert.That(active.Select(a => a.Rule), Is.EqualTo(new[] { "facade-p95-low" }), "p95 > 0.5 stays quiet: the rules read the sketch, not the buckets");
            Assert.That(active.Single().Value, Is.EqualTo(0.3).Within(1).Percent);
            Assert.That(active.Single().PercentileSource, Is.EqualTo("sketch"));
        });

        static AlertRule Rule(string name, double threshold) => new()
        {
            Name = name,
            Metric = "accuscene.tests.contract.facade",
            Aggregation = AlertAggregation.Percentile,
            Quantile = 0.95,
            Threshold = threshold,
        };
    }

    [Test]
    public void NegativeValuesAndZeros_AreKept()
    {
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Contract.Negative");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.contract.offset");
        for (var i = -500; i < 500; i++)
        {
            histogram.Record(i * 2.0);
        }

        var found = percentiles.Find("accuscene.tests.contract.offset")!;
        Assert.Multiple(() =>
        {
            Assert.That((found.Count, found.Min, found.Max), Is.EqualTo((1000L, -1000.0, 998.0)));
            Assert.That(found.Mean, Is.EqualTo(-1.0));
            Assert.That(found.P50, Is.EqualTo(-2.0).Within(1).Percent, "the 500th of 1,000 values");
            Assert.That(found.P95, Is.EqualTo(898.0).Within(1).Percent);
        });
    }

    [Test]
    public void EveryNumericTypeOpenTelemetryAggregates_HasPercentiles()
    {
        // OpenTelemetry .NET aggregates histograms of byte, short, int, long, float and double.
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Contract.Types");
        meter.CreateHistogram<byte>("accuscene.tests.contract.byte").Record(7);
        meter.CreateHistogram<short>("accuscene.tests.contract.short").Record(-7);
        meter.CreateHistogram<int>("accuscene.tests.contract.int").Record(7);
        meter.CreateHistogram<long>("accuscene.tests.contract.long").Record(7);
        meter.CreateHistogram<float>("accuscene.tests.contract.float").Record(7);
        meter.CreateHistogram<double>("accuscene.tests.contract.double").Record(7);

        var found = new[] { "byte", "short", "int", "long", "float", "double" }
            .Select(type => (type, percentiles.Find("accuscene.tests.contract." + type)?.Max))
            .ToList();
        Assert.That(found, Is.EqualTo(new (string, double?)[]
        {
            ("byte", 7), ("short", -7), ("int", 7), ("long", 7), ("float", 7), ("double", 7),
        }));
    }

    [Test]
    public void NaNAndInfinities_AreCountedOnAPublicCounter()
    {
        using var counted = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.percentiles.non_finite");
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Contract.NaN");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.contract.nan");
        histogram.Record(double.NaN);
        histogram.Record(double.PositiveInfinity);
        histogram.Record(double.NegativeInfinity);
        histogram.Record(1);

        Assert.Multiple(() =>
        {
            Assert.That(percentiles.NonFiniteMeasurements, Is.EqualTo(3));
            Assert.That(counted.GetMeasurementSnapshot().EvaluateAsCounter(), Is.GreaterThanOrEqualTo(3));
            Assert.That(percentiles.Find("accuscene.tests.contract.nan")!.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void TheStandardLatencyHistograms_OfAnyMeter_HavePercentiles_AndTheListCanBeExtendedOrEmptied()
    {
        using var standard = AccuScenePercentiles.Create(new AccuScenePercentilesOptions(), scope: null);
        using var extended = AccuScenePercentiles.Create(Options(o => { o.StandardInstruments = false; o.Instruments.Add("tests.contract.custom"); }), scope: null);
        using var meter = new Meter("Tests.Contract.NotAccuScene");
        foreach (var name in new[] { "http.server.request.duration", "http.client.request.duration", "db.client.operation.duration", "tests.contract.custom", "tests.contract.other" })
        {
            meter.CreateHistogram<double>(name, "s").Record(0.25);
        }

        Assert.Multiple(() =>
        {
            Assert.That(standard.Snapshot().Where(s => s.Meter == meter.Name).Select(s => s.Instrument), Is.EquivalentTo(AccuScenePercentiles.DefaultInstruments));
            Assert.That(extended.Snapshot().Where(s => s.Meter == meter.Name).Select(s => s.Instrument), Is.EqualTo(new[] { "tests.contract.custom" }));
        });

        static AccuScenePercentilesOptions Options(Action<AccuScenePercentilesOptions> configure)
        {
            var options = new AccuScenePercentilesOptions();
            configure(options);
            return options;
        }
    }

    [Test]
    public void TheDashboard_SaysWhereEachPercentileCameFrom()
    {
        using var harness = new DashboardHarness("Tests.Contract.Dashboard");
        var http = harness.Meter.CreateHistogram<double>("http.server.request.duration", "s");
        var other = harness.Meter.CreateHistogram<double>("tests.contract.dashboard.other", "s");
        harness.Sample();
        for (var i = 1; i <= 100; i++)
        {
            http.Record(i / 1000.0);
            other.Record(i / 1000.0);
        }

        harness.Sample();

        var sketched = harness.Metric("http.server.request.duration");
        var bucketed = harness.Metric("tests.contract.dashboard.other");
        Assert.Multiple(() =>
        {
            Assert.That((sketched.PercentileSource, sketched.PercentileRelativeError), Is.EqualTo(("sketch", (double?)0.01)));
            Assert.That(sketched.P95, Is.EqualTo(0.095).Within(1).Percent, "not the 5 ms bucket's straight line");
            Assert.That((bucketed.PercentileSource, bucketed.PercentileRelativeError), Is.EqualTo(("buckets", (double?)null)));
        });
    }
}
