using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Metrics.Percentiles;
using AccuScene.Otel.Tests.Dashboard;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>
/// A meter disposed and created again under its name (docs/metrics.md: dispose a <c>SimulationMetrics</c> when done)
/// releases its sketch, so the merged sketch shrinks: a window across that moment is unknown, not the difference of two
/// unrelated sketches (which kept only the buckets where the new one outgrew the old).
/// </summary>
public class PercentilesRecreatedMeterTests
{
    private const string MeterName = "AccuScene.Tests.Again";

    [Test]
    public void TheDashboard_ShowsNoPercentilesForTheSampleAcrossARecreatedMeter_NotTheNewMetersSlowestValues()
    {
        using var harness = new DashboardHarness(MeterName, o => DashboardAggregationTests.Chart(o, "again.duration"));
        var first = harness.Meter.CreateHistogram<double>("again.duration", "s");
        for (var i = 0; i < 10_000; i++)
        {
            first.Record(0.010);
        }

        harness.Sample();
        harness.Meter.Dispose();
        using var second = new Meter(MeterName);
        RecordRun(second.CreateHistogram<double>("again.duration", "s"));
        harness.Sample();

        var p95 = harness.Metric("again.duration").History!.P95;
        Assert.That(p95[1], Is.Null.Or.EqualTo(0.010).Within(2).Percent, "the run's p95 is 10 ms; the two sketches' difference read 500 ms");
    }

    [Test]
    public void AnAlertWindow_StartsAgainAcrossARecreatedMeter()
    {
        using var percentiles = new AccuScenePercentiles();
        var windowed = new WindowedQuantile(TimeSpan.FromMinutes(1), fromStart: true);
        var now = DateTimeOffset.UnixEpoch;
        using (var meter = new Meter(MeterName))
        {
            var first = meter.CreateHistogram<double>("again.duration", "s");
            for (var i = 0; i < 10_000; i++)
            {
                first.Record(0.010);
            }

            Assert.That(windowed.FromSketch(now, Capture(percentiles), 0.95), Is.EqualTo(0.010).Within(1).Percent);
        }

        using var second = new Meter(MeterName);
        RecordRun(second.CreateHistogram<double>("again.duration", "s"));
        var snapshot = Capture(percentiles);

        Assert.That(windowed.FromSketch(now.AddSeconds(2), snapshot, 0.95), Is.Null, "no earlier state of these series: no value until the next export");
        Assert.That(snapshot.Count, Is.EqualTo(105), "the disposed meter's values are gone from the sketch");
    }

    // 100 values of 10 ms and 5 of 500 ms: the p95 is 10 ms.
    private static void RecordRun(Histogram<double> histogram)
    {
        for (var i = 0; i < 100; i++)
        {
            histogram.Record(0.010);
        }

        for (var i = 0; i < 5; i++)
        {
            histogram.Record(0.5);
        }
    }

    private static Snapshot Capture(AccuScenePercentiles percentiles) =>
        percentiles.Capture("again.duration", [], [MeterName]) ?? throw new AssertionException("the sketch covers the meter");
}
