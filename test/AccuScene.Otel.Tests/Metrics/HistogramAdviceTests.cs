using AccuScene.Otel.Instrumentation.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>
/// The domain sets' duration histograms carry their bucket boundaries as advice, so an app that listens with plain
/// OpenTelemetry (no <c>AddAccuScene()</c>) gets buckets in seconds, not OpenTelemetry's millisecond defaults that
/// put every request under five seconds in one bucket.
/// </summary>
[NonParallelizable]
public class HistogramAdviceTests
{
    [Test]
    public void PlainOpenTelemetry_BucketsTheDomainDurations_AsTheConventionsAdvise()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ApiMetrics.MeterName, DatabaseMetrics.MeterName, SimulationMetrics.MeterName)
            .AddInMemoryExporter(exported)
            .Build();
        using var api = new ApiMetrics();
        using var database = new DatabaseMetrics();
        using var simulation = new SimulationMetrics();
        api.RequestStarted("GET", "/scenes");
        api.RequestCompleted("GET", "/scenes", 200, 0.003);
        database.RecordOperation("postgresql", "SELECT", 0.003);
        simulation.RecordStep(0.000002, 1 / 120.0);

        provider.ForceFlush();

        var bounds = exported.Where(m => m.MetricType == MetricType.Histogram).ToDictionary(m => m.Name, Boundaries);
        Assert.Multiple(() =>
        {
            Assert.That(bounds["http.server.request.duration"], Is.EqualTo(new[] { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10 }));
            Assert.That(bounds["db.client.operation.duration"], Is.EqualTo(new[] { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10 }));
            Assert.That(bounds["accuscene.simulation.step.duration"], Has.Length.EqualTo(61).And.Contains(0.000002).And.Contains(1d));
        });
    }

    private static double[] Boundaries(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var bounds = new List<double>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                {
                    bounds.Add(bucket.ExplicitBound);
                }
            }

            return [.. bounds];
        }

        return [];
    }
}
