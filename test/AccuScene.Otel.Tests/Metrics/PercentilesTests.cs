using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Metrics.Percentiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

public class PercentilesTests
{
    [Test]
    public void HistogramRecord_WithATagWhoseToStringThrows_DoesNotThrowIntoTheCaller()
    {
        // #18: the percentiles' series lookup formats tag values, and used to throw out of Histogram.Record.
        using var errors = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.processor.errors");
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Hostile");
        var histogram = meter.CreateHistogram<double>("accuscene.hostile.duration", "s");

        Assert.DoesNotThrow(() => histogram.Record(0.5, new KeyValuePair<string, object?>("scene", new ThrowingToString())));
        histogram.Record(0.25, new KeyValuePair<string, object?>("scene", "ordinary"));

        Assert.That(errors.GetMeasurementSnapshot().Select(m => m.Tags["processor"]), Is.EqualTo(new[] { "AccuScenePercentiles" }), "the lost measurement is counted");

        Assert.That(percentiles.Quantile("accuscene.hostile.duration", 0.5), Is.EqualTo(0.25).Within(1).Percent, "later measurements still count");
    }

    [TestCase(1.5)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Quantile_OutsideZeroToOne_IsRefused(double quantile)
    {
        // #18: Quantile(name, 1.5) used to answer as if asked for 1.
        using var percentiles = new AccuScenePercentiles();
        using var simulation = new SimulationMetrics();
        simulation.RecordStep(0.002, 1.0 / 60);

        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => percentiles.Quantile("accuscene.simulation.step.duration", quantile));
            Assert.That(percentiles.Quantile("accuscene.simulation.step.duration", 1), Is.EqualTo(0.002).Within(1).Percent);
        });
    }

    [Test]
    public void StepDurations_HavePercentilesWithinOnePercentAndExactStatistics()
    {
        using var percentiles = new AccuScenePercentiles();
        using var simulation = new SimulationMetrics();
        var random = new Random(11);
        var values = new double[20_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Exp(-5 + (0.7 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
            simulation.RecordStep(values[i], 1.0 / 60);
        }

        var series = percentiles.Snapshot().Single(s => s.Instrument == "accuscene.simulation.step.duration");
        Array.Sort(values);
        double Exact(double q) => values[(int)Math.Floor(q * (values.Length - 1))];
        Assert.Multiple(() =>
        {
            Assert.That(series.Count, Is.EqualTo(values.Length));
            Assert.That(series.Min, Is.EqualTo(values[0]));
            Assert.That(series.Max, Is.EqualTo(values[^1]));
            Assert.That(series.Mean, Is.EqualTo(values.Average()).Within(1e-9));
            Assert.That(series.Unit, Is.EqualTo("s"));
            Assert.That(series.P50, Is.EqualTo(Exact(0.5)).Within(1).Percent);
            Assert.That(series.P90, Is.EqualTo(Exact(0.9)).Within(1).Percent);
            Assert.That(series.P95, Is.EqualTo(Exact(0.95)).Within(1).Percent);
            Assert.That(series.P99, Is.EqualTo(Exact(0.99)).Within(1).Percent);
        });
    }

    /// <summary>
    /// The standard HTTP histograms carry six tags, among them boxed numbers (status code, port). A repeated tag
    /// set allocates nothing, whether the thread's remembered lookup serves it (same tag objects) or the series
    /// table does (equal values in other boxes, numbers compared without making their text).
    /// </summary>
    [Test]
    public void SixTagsWithNumbers_AllocateNothingPerMeasurement_AndNumbersMatchTheirText()
    {
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.PercentilesAlloc");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.http", "s");
        object status = 404, port = 8080, otherStatus = 404, otherPort = 8080;
        TagList Tags(object code, object serverPort) => new()
        {
            { "http.request.method", "GET" }, { "url.scheme", "https" }, { "http.route", "/scenes/{id}" },
            { "http.response.status_code", code }, { "network.protocol.version", "1.1" }, { "server.port", serverPort },
        };

        var same = Tags(status, port);
        var equal = Tags(otherStatus, otherPort);

        // Warmed up first: the steady state is what is measured, not the runtime tiering the loop up mid-way.
        for (var i = 0; i < 5000; i++)
        {
            histogram.Record(0.01, same);
            histogram.Record(0.01, equal);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            histogram.Record(0.01, same);
            histogram.Record(0.02, equal);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var series = percentiles.Snapshot().Where(s => s.Instrument == "accuscene.tests.http").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(series, Has.Count.EqualTo(1), "404 boxed twice is one tag set");
            Assert.That(series.Single().Count, Is.EqualTo(12_000));
            Assert.That(series.Single().Tags, Does.Contain(new KeyValuePair<string, string?>("http.response.status_code", "404")));
        });
    }

    [Test]
    public void Series_AreKeptPerTagSetAndFindMergesThem()
    {
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Percentiles");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.latency", "s");
        for (var i = 1; i <= 100; i++)
        {
            histogram.Record(i, new("route", "/a"), new("method", "GET"));
            histogram.Record(i * 10, new("method", "GET"), new("route", "/b"));
        }

        histogram.Record(5, new KeyValuePair<string, object?>("method", "GET"), new("route", "/a"));

        var series = percentiles.Snapshot().Where(s => s.Instrument == "accuscene.tests.latency").ToList();
        var routeA = percentiles.Find("accuscene.tests.latency", new KeyValuePair<string, string?>("route", "/a"))!;
        var all = percentiles.Find("accuscene.tests.latency")!;
        Assert.Multiple(() =>
        {
            Assert.That(series, Has.Count.EqualTo(2), "tag order does not split a series");
            Assert.That(routeA.Count, Is.EqualTo(101));
            Assert.That(routeA.Max, Is.EqualTo(100));
            Assert.That(all.Count, Is.EqualTo(201));
            Assert.That(all.Max, Is.EqualTo(1000));
            Assert.That(percentiles.Find("accuscene.tests.latency", new KeyValuePair<string, string?>("route", "/c")), Is.Null);
        });
    }

    [Test]
    public async Task RememberedLookups_NeverMixSeriesAcrossInstrumentsTagSetsOrThreads()
    {
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Remembered");

        // More instruments than a thread remembers, so some share a slot and evict each other.
        var histograms = Enumerable.Range(0, 20).Select(i => meter.CreateHistogram<double>($"accuscene.tests.remembered.{i}")).ToArray();
        var route = new string("/a".AsSpan());
        var sameRouteOtherInstance = new string("/a".AsSpan());
        var status = (object)200;

        void RecordAll()
        {
            for (var round = 0; round < 50; round++)
            {
                foreach (var histogram in histograms)
                {
                    histogram.Record(1, new KeyValuePair<string, object?>("route", route), new("status", status));
                    histogram.Record(2, new KeyValuePair<string, object?>("route", sameRouteOtherInstance), new("status", 200));
                    histogram.Record(3, new KeyValuePair<string, object?>("route", "/b"));
                    histogram.Record(4, new KeyValuePair<string, object?>("status", status), new("route", route));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(RecordAll)));

        Assert.Multiple(() =>
        {
            foreach (var histogram in histograms)
            {
                var routeA = percentiles.Find(histogram.Name, new KeyValuePair<string, string?>("route", "/a"))!;
                var routeB = percentiles.Find(histogram.Name, new KeyValuePair<string, string?>("route", "/b"))!;
                Assert.That(percentiles.Snapshot().Count(s => s.Instrument == histogram.Name), Is.EqualTo(2), histogram.Name);
                Assert.That(routeA.Count, Is.EqualTo(4 * 50 * 3), histogram.Name);
                Assert.That(routeA.Max, Is.EqualTo(4), histogram.Name);
                Assert.That(routeB.Count, Is.EqualTo(4 * 50), histogram.Name);
                Assert.That(routeB.Min, Is.EqualTo(3), histogram.Name);
            }
        });
    }

    [Test]
    public void TooManyTagSets_FoldIntoTheOverflowSeriesAndAreCounted()
    {
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.Overflow");
        var histogram = meter.CreateHistogram<long>("accuscene.tests.sizes", "By");
        const int Distinct = 100_000;
        for (var i = 0; i < Distinct; i++)
        {
            histogram.Record(i, new KeyValuePair<string, object?>("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var series = percentiles.Snapshot().Where(s => s.Instrument == "accuscene.tests.sizes").ToList();
        var overflow = series.Single(s => s.Tags.Contains(new KeyValuePair<string, string?>("otel.metric.overflow", "true")));
        Assert.That(series, Has.Count.EqualTo(AccuScenePercentiles.MaxSeriesPerInstrument + 1), "memory stays bounded: 2,000 series and one overflow series");
        Assert.That(overflow.Count, Is.EqualTo(Distinct - AccuScenePercentiles.MaxSeriesPerInstrument));
        Assert.That(percentiles.OverflowMeasurements, Is.EqualTo(Distinct - AccuScenePercentiles.MaxSeriesPerInstrument));
    }

    [Test]
    public void ATagSetLongerThanItsLimit_GoesToTheOverflowSeries()
    {
        // #18: 2,000 series of 1 MB tag values would have kept 4 GB; a long tag set is not a series of its own.
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Tests.LongTags");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.long", "s");
        for (var i = 0; i < 10; i++)
        {
            histogram.Record(i, new KeyValuePair<string, object?>("id", i + new string('x', 1_000_000)));
        }

        histogram.Record(1, new KeyValuePair<string, object?>("id", "short"));

        // Many short tags cost more than their characters: 40 one-character tags are too many as well.
        var many = new System.Diagnostics.TagList();
        for (var i = 0; i < 40; i++)
        {
            many.Add(((char)('A' + i)).ToString(), "v");
        }

        histogram.Record(2, many);

        var series = percentiles.Snapshot().Where(s => s.Instrument == "accuscene.tests.long").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(series, Has.Count.EqualTo(2), "the short tag set and the overflow series");
            Assert.That(series.Single(s => s.Tags.Contains(new("otel.metric.overflow", "true"))).Count, Is.EqualTo(11));
            Assert.That(percentiles.OverflowMeasurements, Is.EqualTo(11));
        });
    }

    [Test]
    public void OtherMetersAndNonHistograms_AreIgnored()
    {
        using var percentiles = new AccuScenePercentiles();
        using var other = new Meter("Other.Library");
        using var own = new Meter("AccuScene.Tests.Ignored");
        other.CreateHistogram<double>("other.latency").Record(1);
        own.CreateCounter<long>("accuscene.tests.count").Add(1);

        Assert.That(percentiles.Snapshot().Select(s => s.Instrument), Has.None.EqualTo("other.latency").And.None.EqualTo("accuscene.tests.count"));
    }

    [Test]
    public void ServiceCollection_StartsPercentilesWithTheMeterProvider()
    {
        var services = new ServiceCollection();
        services.AddAccuScene();
        using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<MeterProvider>();

        provider.GetRequiredService<DatabaseMetrics>().RecordOperation("sqlite", "SELECT", 0.25);

        var percentiles = provider.GetRequiredService<AccuScenePercentiles>();
        Assert.That(percentiles.Find("db.client.operation.duration")?.P50, Is.EqualTo(0.25).Within(1).Percent);
    }

    [Test]
    public async Task TelemetrySystem_ExposesPercentiles()
    {
        await using var system = AccuSceneTelemetrySystem.Create().Start();
        using var api = new ApiMetrics();

        api.RequestCompleted("GET", "/scenes/{id}", 200, 0.04);

        Assert.That(system.Percentiles!.Find("http.server.request.duration", new KeyValuePair<string, string?>("http.route", "/scenes/{id}"))?.Count, Is.EqualTo(1));
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }
}
