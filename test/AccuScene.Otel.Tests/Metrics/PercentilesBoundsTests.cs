using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>What the in-process percentiles keep once an app stops using them, and how many instruments they keep at all.</summary>
public class PercentilesBoundsTests
{
    [Test]
    public void AStoppedListenerAndADisposedMeter_LeaveNoSeriesReachableFromTheRecordingThread()
    {
        // In a host the percentiles are disposed before the meter factory disposes its meters, so the meter's
        // release never reaches them; the thread that recorded last used to keep the instrument, and every series in
        // it, through its remembered lookup.
        var series = RecordThenStop();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.That(series.IsAlive, Is.False, "the instrument's 200 series are collectable");
    }

    [Test]
    public void InstrumentsPastTheMaximum_AreCountedAndLeftToBuckets()
    {
        using var percentiles = new AccuScenePercentiles();
        var already = Instruments(percentiles).Count; // other tests' AccuScene histograms still alive in this process
        using var meter = new Meter("AccuScene.Tests.Bounds.Many");
        for (var i = 0; i <= AccuScenePercentiles.MaxInstruments; i++)
        {
            meter.CreateHistogram<double>($"accuscene.tests.bounds.h{i}").Record(1.0);
        }

        Assert.Multiple(() =>
        {
            Assert.That(percentiles.DroppedInstruments, Is.EqualTo(already + 1));
            Assert.That(Instruments(percentiles), Has.Count.EqualTo(AccuScenePercentiles.MaxInstruments));
            Assert.That(percentiles.Find($"accuscene.tests.bounds.h{AccuScenePercentiles.MaxInstruments}"), Is.Null);
            Assert.That(percentiles.Find("accuscene.tests.bounds.h0")?.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void NewSeries_ShareTheirInstancesBucketTable_WhateverTheAccuracy()
    {
        // The process keeps eight accuracies' tables; past them, every new sketch used to build a table of its own
        // (about 57 KB at this accuracy, inside the app's Histogram.Record).
        for (var i = 0; i < 9; i++)
        {
            _ = new RelativeErrorSketch(0.00021 + (i * 0.00001));
        }

        using var percentiles = new AccuScenePercentiles(0.00031);
        using var meter = new Meter("AccuScene.Tests.Bounds.Accuracy");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.bounds.accuracy");
        var tags = Enumerable.Range(0, 20).Select(i => new KeyValuePair<string, object?>("scene", $"s-{i}")).ToArray();
        histogram.Record(1.0, tags[0]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var tag in tags[1..])
        {
            histogram.Record(1.0, tag);
        }

        var perSeries = (GC.GetAllocatedBytesForCurrentThread() - before) / 19;
        TestContext.Out.WriteLine($"{perSeries:N0} B per series");
        Assert.That(perSeries, Is.LessThan(8 * 1024), "a series is its counters and tags, not a table");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RecordThenStop()
    {
        var percentiles = new AccuScenePercentiles();
        var meter = new Meter("AccuScene.Tests.Bounds.Stopped");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.bounds.stopped");
        for (var i = 0; i < 200; i++)
        {
            histogram.Record(1.0, new KeyValuePair<string, object?>("scene", $"s-{i}"));
        }

        var series = percentiles.Snapshot().Count(s => s.Instrument == "accuscene.tests.bounds.stopped");
        Assert.That(series, Is.EqualTo(200));
        var instrument = new WeakReference(InstrumentOf(percentiles));
        percentiles.Dispose();
        meter.Dispose();
        return instrument;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InstrumentSeries InstrumentOf(AccuScenePercentiles percentiles) =>
        Instruments(percentiles).Single(i => i.Name == "accuscene.tests.bounds.stopped");

    private static List<InstrumentSeries> Instruments(AccuScenePercentiles percentiles) =>
        (List<InstrumentSeries>)typeof(AccuScenePercentiles)
            .GetField("_instruments", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(percentiles)!;
}
