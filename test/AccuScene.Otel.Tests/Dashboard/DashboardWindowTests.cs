using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Dashboard.Sources;

namespace AccuScene.Otel.Tests.Dashboard;

/// <summary>What one sample shows when the metric behind it changes shape: a meter joins or goes, or nothing is recorded.</summary>
public class DashboardWindowTests
{
    [Test]
    public void WhenAMeterWithoutASketchJoinsAName_ThatSampleShowsNoPercentiles_NotThoseSinceStart()
    {
        // The first meter's values are covered by the sketch; once a second meter (no sketch) exports the name,
        // the buckets stand for it, and a bucket state cannot be subtracted from a sketch one.
        using var harness = new DashboardHarness("AccuScene.Tests.Flip", o => DashboardAggregationTests.Chart(o, "flip.duration"), otherMeter: "Tests.Flip.Other");
        var mine = harness.Meter.CreateHistogram<double>("flip.duration", "s");
        var theirs = harness.OtherMeter!.CreateHistogram<double>("flip.duration", "s");
        for (var i = 0; i < 100; i++)
        {
            mine.Record(900); // slow start: would dominate the since-start percentiles
        }

        harness.Sample();
        theirs.Record(1);
        mine.Record(1);
        harness.Sample();
        theirs.Record(1);
        mine.Record(1);
        harness.Sample();

        var history = harness.Metric("flip.duration").History!;
        Assert.Multiple(() =>
        {
            Assert.That(history.P95[0], Is.EqualTo(900).Within(1).Percent, "the first sample: the sketch");
            Assert.That(history.P95[1], Is.Null, "the sample where the source changed has no known window");
            Assert.That(history.P95[2], Is.EqualTo(1).Within(1e-9).Or.LessThan(5), "then the buckets, over their own window");
        });
    }

    [Test]
    public void AHistogramWhoseCountFalls_ShowsNoRateThatSample_NotZero()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Fall", o => DashboardAggregationTests.Chart(o, "fall.duration"), otherMeter: "Tests.Fall.Other");
        var mine = harness.Meter.CreateHistogram<double>("fall.duration", "s");
        var theirs = harness.OtherMeter!.CreateHistogram<double>("fall.duration", "s");
        mine.Record(1);
        for (var i = 0; i < 50; i++)
        {
            theirs.Record(1);
        }

        harness.Sample();
        harness.Sample();
        harness.OtherMeter.Dispose(); // its series leave the export within a collect or two: the summed count falls
        harness.Sample();
        harness.Sample();
        harness.Sample();

        var rates = harness.Metric("fall.duration").History!.Rate;
        Assert.Multiple(() =>
        {
            Assert.That(rates[1], Is.Zero, "nothing recorded, nothing gone: a rate of 0");
            Assert.That(rates.Skip(2), Has.Some.Null, "the sample whose count fell has no rate");
            Assert.That(rates.Skip(2).OfType<double>(), Has.None.Negative);
        });
    }

    [Test]
    public void AnIntervalWithoutMeasurements_KeepsSayingWhereThePercentilesCameFrom()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Quiet", o => DashboardAggregationTests.Chart(o, "accuscene.tests.quiet.duration"));
        harness.Meter.CreateHistogram<double>("accuscene.tests.quiet.duration", "s").Record(0.2);
        harness.Sample();
        var busy = harness.Metric("accuscene.tests.quiet.duration");
        harness.Sample();
        var quiet = harness.Metric("accuscene.tests.quiet.duration");

        Assert.That(
            (busy.PercentileSource, quiet.PercentileSource, quiet.PercentileRelativeError),
            Is.EqualTo(("sketch", "sketch", (double?)0.01)));
    }

    [Test]
    public void TheAlertsSection_IsConfiguredOnlyWhenARuleIs()
    {
        var none = new AlertsDashboardSource(new AccuSceneAlertEngine([])).Read();
        var one = new AlertsDashboardSource(new AccuSceneAlertEngine([new AlertRule { Name = "slow", Metric = "m", Threshold = 1 }])).Read();

        Assert.That((none.Configured, one.Configured), Is.EqualTo((false, true)));
    }
}
