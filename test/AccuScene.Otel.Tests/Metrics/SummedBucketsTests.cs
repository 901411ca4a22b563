using System.Diagnostics.Metrics;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>
/// Bucket-derived percentiles sum the buckets of every series with one name. Series whose boundaries differ
/// (two meters, two views) cannot be summed bucket by bucket, even when they have as many buckets.
/// </summary>
public class SummedBucketsTests
{
    [Test]
    public void PointsWithTheSameBoundaries_AreSummed_AndOtherBoundariesOfTheSameCount_AreRefused()
    {
        var points = Collect(("Summed.A", [1, 2, 3], 1.5), ("Summed.B", [1, 2, 3], 2.5), ("Summed.C", [10, 20, 30], 15));
        var buckets = new SummedBuckets();

        buckets.Add(points["Summed.A"]);
        buckets.Add(points["Summed.B"]);
        var sameAgree = buckets.Agree;
        var summed = buckets.Counts!.ToArray();
        buckets.Add(points["Summed.C"]);

        Assert.Multiple(() =>
        {
            Assert.That(sameAgree, Is.True);
            Assert.That(summed, Is.EqualTo(new double[] { 0, 1, 1, 0 }), "1.5 in (1, 2], 2.5 in (2, 3]");
            Assert.That(buckets.Agree, Is.False, "four buckets each, but other bounds");
        });
    }

    [Test]
    public void ANewRound_TakesTheLayoutOfItsFirstPoint()
    {
        var points = Collect(("Summed.D", [1, 2, 3], 1.5), ("Summed.E", [10, 20], 15));
        var buckets = new SummedBuckets();
        buckets.Add(points["Summed.D"]);

        buckets.Clear();
        buckets.Add(points["Summed.E"]);

        Assert.Multiple(() =>
        {
            Assert.That(buckets.Agree, Is.True);
            Assert.That(buckets.Bounds, Is.EqualTo(new double[] { 10, 20 }));
            Assert.That(buckets.Counts, Is.EqualTo(new double[] { 0, 1, 0 }));
        });
    }

    private static Dictionary<string, MetricPoint> Collect(params (string Meter, double[] Bounds, double Value)[] series)
    {
        var exported = new List<Metric>();
        var builder = Sdk.CreateMeterProviderBuilder().AddInMemoryExporter(exported);
        foreach (var (name, bounds, _) in series)
        {
            builder.AddMeter(name).AddView(i => i.Meter.Name == name ? new ExplicitBucketHistogramConfiguration { Boundaries = bounds } : null);
        }

        var meters = series.Select(s => new Meter(s.Meter)).ToList();
        using (var provider = builder.Build())
        {
            for (var i = 0; i < series.Length; i++)
            {
                meters[i].CreateHistogram<double>("summed.duration").Record(series[i].Value);
            }

            provider.ForceFlush();
        }

        meters.ForEach(m => m.Dispose());
        var result = new Dictionary<string, MetricPoint>();
        foreach (var metric in exported)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                result[metric.MeterName] = point;
            }
        }

        return result;
    }
}
