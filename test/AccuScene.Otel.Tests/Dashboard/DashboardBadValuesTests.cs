using System.Diagnostics.Metrics;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AccuScene.Otel.Tests.Dashboard;

/// <summary>What the app's values can do to the dashboard: throw, be NaN, restart. None stops it or spikes it.</summary>
public class DashboardBadValuesTests
{
    [Test]
    public void ATagValueWhoseToStringThrows_LabelsItsRowWithItsType_AndSamplingGoesOn()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.BadValues.Throwing", o =>
        {
            var table = new DashboardWidget { Title = "by entity", Type = DashboardWidgetType.Table, GroupBy = "entity" };
            table.Series.Add(new DashboardSeries { Metric = "accuscene.tests.bad.requests", Stat = DashboardStat.Rate });
            o.Widgets.Add(table);
        });
        var requests = harness.Meter.CreateCounter<long>("accuscene.tests.bad.requests");
        var entity = new DisposedProxy();
        for (var i = 0; i < 3; i++)
        {
            requests.Add(10, new KeyValuePair<string, object?>("entity", entity));
            harness.Sample();
        }

        var row = harness.Dashboard.GetModel().Tables.Single().Rows.Single();
        Assert.Multiple(() =>
        {
            Assert.That(harness.Dashboard.Samples, Is.EqualTo(3), "every collection was a sample");
            Assert.That(row.Label, Is.EqualTo(nameof(DisposedProxy)));
            Assert.That(harness.Metric("accuscene.tests.bad.requests").Rate, Is.EqualTo(10), "10 a second, not a pile-up of unfinished samples");
        });
    }

    [Test]
    public void AListenerThatThrowsOnTheDropCounter_DoesNotCostTheDashboardItsRates()
    {
        using var throwing = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "accuscene.otel.dashboard.dropped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        throwing.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("a listener's fault"));
        throwing.Start();
        using var harness = new DashboardHarness("AccuScene.Tests.BadValues.DropListener");
        var requests = harness.Meter.CreateCounter<long>("accuscene.tests.bad.listener.requests");
        harness.Meter.CreateObservableGauge("accuscene.tests.bad.listener.nan", () => double.NaN); // a drop every sample
        for (var i = 0; i < 3; i++)
        {
            requests.Add(10);
            harness.Sample();
        }

        Assert.That(harness.Metric("accuscene.tests.bad.listener.requests").Rate, Is.EqualTo(10), "every sample had a drop to count; counting it must not fail the sample");
    }

    [Test]
    public void ANaNSeries_IsLeftOutOfTheGaugeAndCounted_WhileTheOthersShow()
    {
        using var dropped = new MetricCollector<long>(AccuSceneSelfDiagnostics.DashboardDrops);
        using var harness = new DashboardHarness("AccuScene.Tests.BadValues.NaN");
        harness.Meter.CreateObservableGauge("accuscene.tests.bad.utilisation", () => new[]
        {
            new Measurement<double>(0.5, new KeyValuePair<string, object?>("pool", "a")),
            new Measurement<double>(0.0 / 0.0, new KeyValuePair<string, object?>("pool", "empty")), // busy / capacity with capacity 0
        });

        harness.Sample();

        var gauge = harness.Metric("accuscene.tests.bad.utilisation");
        Assert.Multiple(() =>
        {
            Assert.That((gauge.Value, gauge.Series), Is.EqualTo(((double?)0.5, 1)), "the mean of the series that have a value");
            Assert.That(dropped.GetMeasurementSnapshot().ContainsTags("what").Where(m => m.Tags["what"] is "value").Sum(m => m.Value), Is.EqualTo(1), "the NaN point is counted on accuscene.otel.dashboard.dropped{what=value}");
        });
    }

    [Test]
    public void OneSeriesOfACounterRestarting_ShowsNoRate_NotTheWholeTotalAsOneSecondsIncrease()
    {
        long big = 1_000_000, small = 5_000;
        using var harness = new DashboardHarness("AccuScene.Tests.BadValues.Restart");
        harness.Meter.CreateObservableCounter("accuscene.tests.bad.handled", () => new[]
        {
            new Measurement<long>(big, new KeyValuePair<string, object?>("source", "big")),
            new Measurement<long>(small, new KeyValuePair<string, object?>("source", "small")),
        });

        harness.Sample();
        (big, small) = (big + 10, small + 10);
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.bad.handled").Rate, Is.EqualTo(20));

        (big, small) = (big + 10, 0); // the small source restarts
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.bad.handled").Rate, Is.Null, "unknown, rather than 1,000,020 a second");

        (big, small) = (big + 10, small + 10);
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.bad.handled").Rate, Is.EqualTo(20), "and back once both grow again");
    }

    [Test]
    public void AGaugeWhoseOnlySeriesTurnsNaN_ShowsAGap_NotItsLastValue()
    {
        var utilisation = 0.95;
        using var harness = new DashboardHarness("AccuScene.Tests.BadValues.OnlyNaN");
        harness.Meter.CreateObservableGauge("accuscene.tests.bad.only", () => utilisation);
        harness.Sample();
        Assert.That(harness.Metric("accuscene.tests.bad.only").Value, Is.EqualTo(0.95));

        utilisation = double.NaN; // capacity went to 0
        harness.Sample();

        Assert.That(harness.Metric("accuscene.tests.bad.only").Value, Is.Null);
    }

    [Test]
    public void ACounterSeriesTurningNaNAndBack_ShowsNoRateEitherTime_ThenTheRealOne()
    {
        double big = 1_000_000, small = 5_000;
        using var harness = new DashboardHarness("AccuScene.Tests.BadValues.NaNCounter");
        harness.Meter.CreateObservableCounter("accuscene.tests.bad.nan_handled", () => new[]
        {
            new Measurement<double>(big, new KeyValuePair<string, object?>("source", "big")),
            new Measurement<double>(small, new KeyValuePair<string, object?>("source", "small")),
        });
        harness.Sample();
        var rates = new List<double?>();
        foreach (var next in new[] { 5_010, double.NaN, 5_030, 5_040 })
        {
            (big, small) = (big + 10, next);
            harness.Sample();
            rates.Add(harness.Metric("accuscene.tests.bad.nan_handled").Rate);
        }

        // Not 5,020 a second when the small series comes back.
        Assert.That(rates, Is.EqualTo(new double?[] { 20, null, null, 20 }));
    }

    private sealed class DisposedProxy
    {
        public override string ToString() => throw new ObjectDisposedException("DbContext");

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => 1;
    }
}
