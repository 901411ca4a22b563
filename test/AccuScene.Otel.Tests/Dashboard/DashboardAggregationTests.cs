using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel.Tests.Dashboard;

public class DashboardAggregationTests
{
    [Test]
    public void EachMetric_GetsItsValueRateAndPercentiles_MergedOverItsSeries()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Dash1", o => Chart(o, "accuscene.tests.dash1.steps", "plain.latency"));
        var requests = harness.Meter.CreateCounter<long>("accuscene.tests.dash1.requests");
        harness.Meter.CreateObservableGauge("accuscene.tests.dash1.ratio", () => new[] { new System.Diagnostics.Metrics.Measurement<double>(0.2, new KeyValuePair<string, object?>("cache", "a")), new System.Diagnostics.Metrics.Measurement<double>(0.6, new KeyValuePair<string, object?>("cache", "b")) });
        var steps = harness.Meter.CreateHistogram<double>("accuscene.tests.dash1.steps", "s");

        requests.Add(100, new KeyValuePair<string, object?>("route", "/a"));
        steps.Record(2.0);
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.dash1.requests").Rate, Is.Null, "a metric's first sample is the baseline of its rate");
        requests.Add(7, new KeyValuePair<string, object?>("route", "/a"));
        requests.Add(3, new KeyValuePair<string, object?>("route", "/b"));
        for (var i = 1; i <= 1000; i++)
        {
            steps.Record(i / 1000.0);
        }

        harness.Sample(TimeSpan.FromSeconds(2));

        var counter = harness.Metric("accuscene.tests.dash1.requests");
        Assert.That((counter.Kind, counter.Series, counter.Value, counter.Rate), Is.EqualTo(("counter", 2, 110.0, 5.0)), "a counter's total, and its increase per second over the 2 s (the new series counts from zero)");
        var gauge = harness.Metric("accuscene.tests.dash1.ratio");
        Assert.That((gauge.Kind, gauge.Value, gauge.Rate), Is.EqualTo(("gauge", 0.4, (double?)null)), "a gauge is the mean of its series and has no rate");
        var histogram = harness.Metric("accuscene.tests.dash1.steps");
        Assert.Multiple(() =>
        {
            Assert.That(histogram.Kind, Is.EqualTo("histogram"));
            Assert.That(histogram.Value, Is.EqualTo(0.5005).Within(1e-9), "the mean of the interval's measurements (not the 2.0 before it)");
            Assert.That(histogram.Rate, Is.EqualTo(500), "1000 measurements over 2 s");
            Assert.That(histogram.P50, Is.EqualTo(0.5).Within(1).Percent, "from the in-process sketch (1% relative error)");
            Assert.That(histogram.P95, Is.EqualTo(0.95).Within(1).Percent);
            Assert.That(histogram.P99, Is.EqualTo(0.99).Within(1).Percent, "percentiles of the interval only");
            Assert.That(histogram.Count, Is.EqualTo(1001));
        });

        // The next interval has no measurements: no mean, no percentiles, a rate of zero.
        harness.Sample();
        histogram = harness.Metric("accuscene.tests.dash1.steps");
        Assert.That((histogram.Value, histogram.P95, histogram.Rate), Is.EqualTo(((double?)null, (double?)null, (double?)0)));
    }

    [Test]
    public void ACollectionSoonAfterTheLast_MakesNoPoint_AndTheNextSampleTakesItsIncreaseOverTheWholeInterval()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.DashShort", o => Chart(o, "accuscene.tests.dashshort.steps"));
        var steps = harness.Meter.CreateCounter<long>("accuscene.tests.dashshort.steps");
        steps.Add(1000);
        harness.Sample();
        steps.Add(1000);
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.dashshort.steps").Rate, Is.EqualTo(1000), "1,000 steps in 1 s");

        // The periodic reader catches up 10 ms after a late collection, in the middle of a burst.
        steps.Add(20_000);
        harness.Sample(TimeSpan.FromMilliseconds(10));
        var afterShort = harness.Metric("accuscene.tests.dashshort.steps");
        Assert.That((afterShort.Value, afterShort.Rate), Is.EqualTo((2000.0, 1000.0)), "no point of 2,000,000 steps/s: the short collection is not a sample");

        harness.Sample(TimeSpan.FromMilliseconds(990));
        var next = harness.Metric("accuscene.tests.dashshort.steps");
        Assert.That((next.Value, next.Rate), Is.EqualTo((22_000.0, 20_000.0)), "the burst, over the whole second since the last sample");
        Assert.That(next.History!.Time, Has.Count.EqualTo(3), "three samples, not four");

        // A clock that does not move (an app's own fake TimeProvider) still makes samples: values, no rate.
        steps.Add(5);
        harness.Sample(TimeSpan.Zero);
        var still = harness.Metric("accuscene.tests.dashshort.steps");
        Assert.That((still.Value, still.Rate), Is.EqualTo((22_005.0, (double?)null)));
    }

    [Test]
    public void HistogramsOfOtherMeters_GetPercentilesFromTheirBuckets()
    {
        using var harness = new DashboardHarness("Tests.Dash2", o => Chart(o, "plain.latency"));
        var latency = harness.Meter.CreateHistogram<double>("plain.latency", "ms");
        harness.Sample();
        for (var i = 0; i < 100; i++)
        {
            latency.Record(i < 50 ? 3 : 20); // default buckets: (0,5], (5,10], (10,25]
        }

        harness.Sample();

        var metric = harness.Metric("plain.latency");
        Assert.That(metric.P50, Is.EqualTo(5).Within(1e-9), "the 50th of 100 is the top of the (0,5] bucket");
        Assert.That(metric.P95, Is.EqualTo(10 + (15 * 45.0 / 50)).Within(1e-9), "interpolated inside (10,25] as histogram_quantile does");
    }

    [Test]
    public void History_IsKeptPerSample_AndDownsampledInto10sBuckets_WithPercentilesOverEachBucket()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Dash3", o => Chart(o, "accuscene.tests.dash3.steps", "accuscene.tests.dash3.frames"));
        var frames = harness.Meter.CreateCounter<long>("accuscene.tests.dash3.frames");
        var steps = harness.Meter.CreateHistogram<double>("accuscene.tests.dash3.steps", "s");
        for (var second = 1; second <= 25; second++)
        {
            frames.Add(second <= 10 ? 60 : 30);
            steps.Record(second <= 10 ? 0.010 : 0.100);
            harness.Sample();
        }

        var fine = harness.Metric("accuscene.tests.dash3.frames").History!;
        Assert.That(fine.Time, Has.Count.EqualTo(25));
        Assert.That(fine.Time[0], Is.EqualTo(DashboardHarness.Start.AddSeconds(1).ToUnixTimeMilliseconds()), "a sample is stamped with its end");
        Assert.That(fine.Rate.Skip(1).Take(9), Is.All.EqualTo(60), "60 frames per second while the first 10 s last");

        var coarse = harness.Dashboard.GetModel(DashboardRange.OneHour);
        Assert.That(coarse.ResolutionSeconds, Is.EqualTo(10));
        var frames10s = harness.Metric("accuscene.tests.dash3.frames", DashboardRange.OneHour).History!;
        var steps10s = harness.Metric("accuscene.tests.dash3.steps", DashboardRange.OneHour).History!;
        Assert.Multiple(() =>
        {
            Assert.That(frames10s.Time, Is.EqualTo(new[] { DashboardHarness.Start.ToUnixTimeMilliseconds(), DashboardHarness.Start.AddSeconds(10).ToUnixTimeMilliseconds() }), "two whole 10 s buckets; the third is still open");
            Assert.That(frames10s.Value, Is.EqualTo(new double?[] { 600, 900 }), "a counter's bucket keeps its last total");
            Assert.That(frames10s.Rate[1], Is.EqualTo(30), "the mean rate over the bucket");
            Assert.That(steps10s.P95[0], Is.EqualTo(0.010).Within(1).Percent, "percentiles over the first bucket only");
            Assert.That(steps10s.P95[1], Is.EqualTo(0.100).Within(1).Percent, "and over the second only");
            Assert.That(steps10s.Value[1], Is.EqualTo(0.100).Within(1e-9));
        });
        Assert.That(harness.Metric("accuscene.tests.dash3.frames", DashboardRange.OneDay).History!.Time, Is.Empty, "no whole minute yet");
    }

    [Test]
    public void HistoryRings_AreBoundedByTheirRange()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Dash4", o => Chart(o, "accuscene.tests.dash4.frames"));
        var frames = harness.Meter.CreateCounter<long>("accuscene.tests.dash4.frames");
        for (var second = 1; second <= 400; second++)
        {
            frames.Add(1);
            harness.Sample();
        }

        var history = harness.Metric("accuscene.tests.dash4.frames").History!;
        Assert.That(history.Time, Has.Count.EqualTo(300), "5 minutes of 1 s samples");
        Assert.That(history.Time[0], Is.EqualTo(DashboardHarness.Start.AddSeconds(101).ToUnixTimeMilliseconds()), "the oldest 100 were overwritten");
        Assert.That(harness.Metric("accuscene.tests.dash4.frames", DashboardRange.OneDay).History!.Time, Has.Count.EqualTo(6), "one point per whole minute");
    }

    [Test]
    public void AStreamUpdate_HoldsThePointsSampledSinceTheLastUpdate_AndOneToOverlap()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Dash5", o => Chart(o, "accuscene.tests.dash5.frames"));
        var frames = harness.Meter.CreateCounter<long>("accuscene.tests.dash5.frames");
        for (var second = 1; second <= 5; second++)
        {
            frames.Add(second);
            harness.Sample();
        }

        var update = harness.Dashboard.GetUpdate();
        var metric = update.Sections.Other.Metrics.Single(m => m.Name == "accuscene.tests.dash5.frames");
        Assert.That((update.Range, update.Sample), Is.EqualTo(("latest", 5L)));
        Assert.That(metric.History!.Time, Is.EqualTo(new[] { 4, 5 }.Select(s => DashboardHarness.Start.AddSeconds(s).ToUnixTimeMilliseconds())), "one sample per 1 s update, and the one before");
        Assert.That(metric.History.Value, Is.EqualTo(new double?[] { 10, 15 }));
    }

    [Test]
    public void WithSamplesEvery250Ms_AnUpdateEverySecond_CarriesEverySampleOfThatSecond()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Dash5b", o =>
        {
            Chart(o, "accuscene.tests.dash5b.frames");
            o.SampleIntervalMilliseconds = 250;
        });
        var frames = harness.Meter.CreateCounter<long>("accuscene.tests.dash5b.frames");
        for (var sample = 1; sample <= 12; sample++)
        {
            frames.Add(1);
            harness.Sample(TimeSpan.FromMilliseconds(250));
        }

        var update = harness.Dashboard.GetUpdate();
        var times = update.Sections.Other.Metrics.Single(m => m.Name == "accuscene.tests.dash5b.frames").History!.Time;
        Assert.That(times, Is.EqualTo(new[] { 2000, 2250, 2500, 2750, 3000 }.Select(ms => DashboardHarness.Start.AddMilliseconds(ms).ToUnixTimeMilliseconds())), "the four samples of the last second, and the one before: the newest alone would leave three out");
    }

    [Test]
    public void OneNameFromTwoMeters_IsOneMetric_AndItsPercentilesComeFromTheMergedBuckets()
    {
        // As ASP.NET Core's and AccuScene's http.server.request.duration: same name, two meters, one collect.
        using var harness = new DashboardHarness("AccuScene.Tests.Dash6", o => Chart(o, "shared.duration"), otherMeter: "Tests.Dash6.Other");
        var mine = harness.Meter.CreateHistogram<double>("shared.duration", "s");
        var theirs = harness.OtherMeter!.CreateHistogram<double>("shared.duration", "s");
        mine.Record(1);
        theirs.Record(1);
        harness.Sample();
        for (var i = 0; i < 50; i++)
        {
            mine.Record(3);    // (0, 5]
            theirs.Record(20); // (10, 25]
        }

        harness.Sample();
        harness.Sample();

        var history = harness.Metric("shared.duration").History!;
        Assert.That(history.Time, Has.Count.EqualTo(3), "one point per sample, not one per meter");
        Assert.That(history.Rate[1], Is.EqualTo(100), "both meters' measurements in one rate");
        Assert.That(history.Value[1], Is.EqualTo(11.5), "and in one mean");
        Assert.That(history.P95[1], Is.EqualTo(10 + (15 * 45.0 / 50)).Within(1e-9), "percentiles from both meters' buckets summed, not from the AccuScene meter's sketch alone");
        Assert.That(history.Rate[2], Is.Zero);
    }

    [Test]
    public void MetricsAreFiledBySection()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DashboardLayout.SectionOf("accuscene.simulation.fps"), Is.EqualTo("simulation"));
            Assert.That(DashboardLayout.SectionOf("db.client.operation.duration"), Is.EqualTo("database"));
            Assert.That(DashboardLayout.SectionOf("accuscene.cache.hit_ratio"), Is.EqualTo("cache"));
            Assert.That(DashboardLayout.SectionOf("http.server.request.duration"), Is.EqualTo("api"));
            Assert.That(DashboardLayout.SectionOf("process.cpu.time"), Is.EqualTo("system"));
            Assert.That(DashboardLayout.SectionOf("dotnet.gc.collections"), Is.EqualTo("system"));
            Assert.That(DashboardLayout.SectionOf("accuscene.health.status"), Is.EqualTo("health"));
            Assert.That(DashboardLayout.SectionOf("acme.accuscene.cache.hits", "acme."), Is.EqualTo("cache"), "after the configured name prefix");
            Assert.That(DashboardLayout.SectionOf("http.client.request.duration"), Is.EqualTo("other"));
        });
    }

    internal static void Chart(AccuSceneDashboardOptions options, params string[] metrics)
    {
        var widget = new DashboardWidget { Title = "chart", Type = DashboardWidgetType.Line };
        widget.Series.AddRange(metrics.Select(m => new DashboardSeries { Metric = m }));
        options.Widgets.Add(widget);
    }
}
