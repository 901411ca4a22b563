using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel.Tests.Dashboard;

public class DashboardBoundsTests
{
    private const int Series = 10_000;

    [Test]
    public void TenThousandSeries_HoldNoMoreHistoryThanOne_AndATableKeepsItsRowLimit()
    {
        var many = Run("AccuScene.Tests.Bounds.Many", Series);
        var one = Run("AccuScene.Tests.Bounds.One", 1);

        Assert.Multiple(() =>
        {
            Assert.That(many.HistoryBytes, Is.EqualTo(one.HistoryBytes), "history is per metric, merged over series, whatever their number");
            Assert.That(many.HistoryBytes, Is.LessThanOrEqualTo(2 * 2100 * 48), "two metrics, at most 300 + 360 + 1440 points of 48 bytes each");
            Assert.That(many.Table.Rows, Has.Count.EqualTo(50), "MaxTableRows");
            Assert.That(many.Dropped.Rows, Is.EqualTo(3L * (Series - 50)), "every point without a row is counted, each of the 3 samples");
            Assert.That(many.Requests.Series, Is.EqualTo(Series));
            Assert.That(many.Requests.Value, Is.EqualTo(3.0 * Series * (Series + 1) / 2), "all 10,000 series are still summed");
            Assert.That(many.Table.Rows.Select(r => r.Label), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), "rows are ordered by label");
        });
    }

    [Test]
    public void ARowLabel_IsCutToItsMaximumLength()
    {
        // #18: a table row is labelled by a tag value; a 1 MB value no longer makes a 1 MB row.
        using var harness = new DashboardHarness("AccuScene.Tests.Bounds.Label", o =>
        {
            var table = new DashboardWidget { Title = "by scene", Type = DashboardWidgetType.Table, GroupBy = "scene" };
            table.Series.Add(new DashboardSeries { Metric = "accuscene.tests.label.requests", Stat = DashboardStat.Value });
            o.Widgets.Add(table);
        });
        var requests = harness.Meter.CreateCounter<long>("accuscene.tests.label.requests");
        requests.Add(1, new KeyValuePair<string, object?>("scene", new string('s', 1_000_000)));
        harness.Sample();
        requests.Add(1, new KeyValuePair<string, object?>("scene", new string('s', 1_000_000)));
        harness.Sample();

        var rows = harness.Dashboard.GetModel().Tables.Single().Rows;
        Assert.Multiple(() =>
        {
            Assert.That(rows.Single().Label, Has.Length.EqualTo(128).And.EndWith("…"));
            Assert.That(rows.Single().Value, Is.EqualTo(2), "the row is found again by its cut label; the 1 MB value is not kept as its key");
        });
    }

    [Test]
    public void MetricsPastMaxMetrics_AreDroppedAndCounted_ButTheWidgetsMetricsAlwaysFit()
    {
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "accuscene.otel.dashboard.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "what", Value: "metric" })
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();
        using var harness = new DashboardHarness("AccuScene.Tests.Bounds.Max", o =>
        {
            o.MaxMetrics = 2;
            DashboardAggregationTests.Chart(o, "accuscene.tests.max.z");
        });
        for (var i = 0; i < 4; i++)
        {
            harness.Meter.CreateCounter<long>("accuscene.tests.max." + (char)('a' + i)).Add(1);
        }

        harness.Meter.CreateCounter<long>("accuscene.tests.max.z").Add(1);
        harness.Sample();

        var model = harness.Dashboard.GetModel();
        var names = model.Sections.Other.Metrics.Select(m => m.Name).ToList();
        Assert.That(names, Does.Contain("accuscene.tests.max.z"), "a widget's metric is never dropped");
        Assert.That(names.Count(n => n != "accuscene.tests.max.z"), Is.LessThanOrEqualTo(2));
        Assert.That(model.Dropped.Metrics, Is.EqualTo(5 - names.Count));
        Assert.That(Interlocked.Read(ref counted), Is.EqualTo(model.Dropped.Metrics), "and counted on accuscene.otel.dashboard.dropped{what=metric}");
    }

    private static (long HistoryBytes, DashboardTable Table, DashboardDropped Dropped, DashboardMetric Requests) Run(string meter, int series)
    {
        using var harness = new DashboardHarness(
            meter,
            o =>
            {
                var table = new DashboardWidget { Title = "by series", Type = DashboardWidgetType.Table, GroupBy = "series" };
                table.Series.Add(new DashboardSeries { Metric = "accuscene.tests.bounds.requests", Stat = DashboardStat.Rate });
                o.Widgets.Add(table);
                DashboardAggregationTests.Chart(o, "accuscene.tests.bounds.requests", "accuscene.tests.bounds.latency");
            },
            cardinality: Series + 10);
        var requests = harness.Meter.CreateCounter<long>("accuscene.tests.bounds.requests");
        var latency = harness.Meter.CreateHistogram<double>("accuscene.tests.bounds.latency", "s");
        for (var sample = 0; sample < 3; sample++)
        {
            for (var i = 1; i <= series; i++)
            {
                var tags = new TagList { { "series", i } };
                requests.Add(i, tags);
                latency.Record(i * 1e-4, tags);
            }

            harness.Sample();
        }

        var model = harness.Dashboard.GetModel();
        return (harness.Dashboard.HistoryBytes, model.Tables.Single(), model.Dropped, model.Sections.Other.Metrics.Single(m => m.Name == "accuscene.tests.bounds.requests"));
    }
}
