using System.Diagnostics.Metrics;
using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel.Tests.Dashboard;

/// <summary>
/// What OpenTelemetry leaves out of a sample (a series an observable callback skipped, a metric with no point) is
/// a gap on the page, never a spike or a value kept from before; and what stays away long enough gives its place up.
/// </summary>
public class DashboardGapTests
{
    [Test]
    public void ASeriesTheCallbackSkipsOnce_ShowsNoRateWhileItIsAwayOrBack_NotItsWholeTotal()
    {
        long a = 1_000_000, b = 2_000_000;
        var reportB = true;
        using var harness = new DashboardHarness("AccuScene.Tests.Gaps.Skip");
        harness.Meter.CreateObservableCounter("accuscene.tests.gaps.handled", () => reportB
            ? [new Measurement<long>(a, new KeyValuePair<string, object?>("queue", "a")), new Measurement<long>(b, new KeyValuePair<string, object?>("queue", "b"))]
            : new[] { new Measurement<long>(a, new KeyValuePair<string, object?>("queue", "a")) });
        harness.Sample();

        var rates = new List<double?>();
        foreach (var skip in new[] { false, true, false, false })
        {
            (a, b, reportB) = (a + 10, b + 10, !skip);
            harness.Sample();
            rates.Add(harness.Metric("accuscene.tests.gaps.handled").Rate);
        }

        Assert.That(rates, Is.EqualTo(new double?[] { 20, null, null, 20 }), "not 2,000,030 a second when queue b comes back");
    }

    [Test]
    public void OneSeriesGoneAndAnotherBack_IsNoRate_ThoughTheCountIsTheSame()
    {
        var totals = new Dictionary<string, long> { ["a"] = 1_000, ["b"] = 2_000, ["c"] = 3_000_000 };
        string[] reported = ["a", "b", "c"];
        using var harness = new DashboardHarness("AccuScene.Tests.Gaps.Swap");
        harness.Meter.CreateObservableCounter("accuscene.tests.gaps.swapped", () => reported.Select(q => new Measurement<long>(totals[q], new KeyValuePair<string, object?>("queue", q))).ToArray());
        harness.Sample();

        var rates = new List<double?>();
        foreach (var next in new[] { new[] { "a", "b" }, ["a", "c"], ["a", "c"] })
        {
            foreach (var q in totals.Keys)
            {
                totals[q] += 10;
            }

            reported = next;
            harness.Sample();
            rates.Add(harness.Metric("accuscene.tests.gaps.swapped").Rate);
        }

        Assert.That(rates, Is.EqualTo(new double?[] { null, null, 20 }), "not queue c's 3,000,030 as one second's increase");
    }

    [Test]
    public void AMetricWithNoPoint_IsAGap_NotItsLastValue_AndItsRateStartsAgain()
    {
        var report = true;
        long total = 100;
        using var harness = new DashboardHarness("AccuScene.Tests.Gaps.Metric", o => DashboardAggregationTests.Chart(o, "accuscene.tests.gaps.jobs"));
        harness.Meter.CreateObservableCounter("accuscene.tests.gaps.jobs", () => report ? [new Measurement<long>(total)] : Array.Empty<Measurement<long>>());
        harness.Sample();
        total += 5;
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.gaps.jobs").Rate, Is.EqualTo(5));

        report = false;
        harness.Sample();
        var away = harness.Metric("accuscene.tests.gaps.jobs");
        (report, total) = (true, total + 50);
        harness.Sample();
        var back = harness.Metric("accuscene.tests.gaps.jobs");

        Assert.Multiple(() =>
        {
            Assert.That((away.Value, away.Rate), Is.EqualTo(((double?)null, (double?)null)), "a gap while it has no point");
            Assert.That(away.History!.Value[^1], Is.Null, "in the chart too");
            Assert.That((back.Value, back.Rate), Is.EqualTo(((double?)155, (double?)null)), "back: its total, and no rate over two intervals divided by one");
        });
    }

    [Test]
    public void AnOutage_BreaksTheHourAndDayCharts_NotALineDrawnAcrossIt()
    {
        var report = true;
        long total = 100;
        using var harness = new DashboardHarness("AccuScene.Tests.Gaps.Outage", o => DashboardAggregationTests.Chart(o, "accuscene.tests.gaps.outage"));
        harness.Meter.CreateObservableCounter("accuscene.tests.gaps.outage", () => report ? [new Measurement<long>(total)] : Array.Empty<Measurement<long>>());

        // Reported for 95 s, away for 30 minutes, then back for 3 minutes: the gap starts inside a bucket.
        foreach (var (seconds, reported) in new[] { (95, true), (1800, false), (180, true) })
        {
            report = reported;
            for (var i = 0; i < seconds; i++)
            {
                total += 5;
                harness.Sample();
            }
        }

        var outageStart = DashboardHarness.Start.AddSeconds(95).ToUnixTimeMilliseconds();
        var outageEnd = DashboardHarness.Start.AddSeconds(95 + 1800).ToUnixTimeMilliseconds();
        foreach (var range in new[] { DashboardRange.OneHour, DashboardRange.OneDay })
        {
            var history = harness.Metric("accuscene.tests.gaps.outage", range).History!;
            var lastBefore = history.Time.ToList().FindLastIndex(t => t < outageStart);
            var firstAfter = history.Time.ToList().FindIndex(t => t >= outageEnd);
            Assert.That(lastBefore, Is.GreaterThanOrEqualTo(0), $"{range}: points before the outage");
            Assert.That(firstAfter, Is.GreaterThan(lastBefore), $"{range}: points after it");
            Assert.That(
                Enumerable.Range(lastBefore + 1, firstAfter - lastBefore - 1).Any(i => history.Value[i] is null),
                Is.True,
                $"{range}: a gap point between {history.Value[lastBefore]} before and {history.Value[firstAfter]} after");
        }
    }

    [Test]
    public void AMetricAwayAtABucketsEnd_AndBackInTheNext_LeavesTheHourChartWhole()
    {
        var report = true;
        using var harness = new DashboardHarness("AccuScene.Tests.Gaps.Blink", o => DashboardAggregationTests.Chart(o, "accuscene.tests.gaps.blink"));
        harness.Meter.CreateObservableGauge("accuscene.tests.gaps.blink", () => report ? [new Measurement<long>(7)] : Array.Empty<Measurement<long>>());

        // Away for the last second of every 10 s bucket: less than a bucket each time.
        for (var second = 1; second <= 120; second++)
        {
            report = second % 10 != 0;
            harness.Sample();
        }

        var history = harness.Metric("accuscene.tests.gaps.blink", DashboardRange.OneHour).History!;
        Assert.That(history.Value, Has.All.EqualTo(7), "one point per bucket, no gap point between buckets that follow each other");
    }

    [Test]
    public void AMetricOrRowAwayForFiveMinutes_GivesItsPlaceToALiveOne()
    {
        var old = true;
        using var harness = new DashboardHarness("AccuScene.Tests.Gaps.Forget", o =>
        {
            o.MaxMetrics = 2;
            o.MaxTableRows = 1;
            var table = new DashboardWidget { Title = "by queue", Type = DashboardWidgetType.Table, GroupBy = "queue" };
            table.Series.Add(new DashboardSeries { Metric = "accuscene.tests.gaps.depth" });
            o.Widgets.Add(table);
        });
        harness.Meter.CreateObservableGauge("accuscene.tests.gaps.old", () => old ? [new Measurement<long>(1)] : Array.Empty<Measurement<long>>());
        harness.Meter.CreateObservableGauge("accuscene.tests.gaps.depth", () => new[] { new Measurement<long>(3, new KeyValuePair<string, object?>("queue", old ? "retired" : "live")) });
        harness.Sample();
        Assert.That(harness.Dashboard.GetModel().Tables.Single().Rows.Single().Label, Is.EqualTo("retired"));

        old = false;
        harness.Meter.CreateObservableGauge("accuscene.tests.gaps.new", () => 2);
        harness.Sample();
        var whileFull = harness.Dashboard.GetModel();
        for (var i = 0; i < 300; i++)
        {
            harness.Sample();
        }

        var model = harness.Dashboard.GetModel();
        var names = model.Sections.Other.Metrics.Select(m => m.Name).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(whileFull.Tables.Single().Rows.Single().Value, Is.Null, "the retired queue's row shows no value while it is away");
            Assert.That(names, Does.Not.Contain("accuscene.tests.gaps.old"));
            Assert.That(names, Does.Contain("accuscene.tests.gaps.new"), "the metric that had no place takes the freed one");
            Assert.That(model.Tables.Single().Rows.Select(r => (r.Label, r.Value)), Is.EqualTo(new[] { ("live", (double?)3) }));
        });
    }
}
