using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>The hit-ratio table of <see cref="CacheMetrics"/> stays within its bound when threads add new cache names at once.</summary>
public class CacheMetricsBoundTests
{
    [Test]
    [CancelAfter(60_000)]
    public void ThreadsAddingNamesAtTheBound_TogetherNeverPassIt(CancellationToken cancellationToken)
    {
        var threads = Math.Max(4, Environment.ProcessorCount * 2);
        var overshoots = new List<string>();
        for (var round = 0; round < 200 && overshoots.Count == 0; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var cache = new CacheMetrics();

            // One place left: every thread then looks up a name of its own at the same moment.
            for (var i = 0; i < CacheMetrics.MaxTrackedCaches - 1; i++)
            {
                cache.Hit("cache-" + i);
            }

            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait(cancellationToken);
                cache.Hit($"round-{round}-thread-{t}");
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());

            var (named, overflow) = HitRatioSeries(cache);
            if (named > CacheMetrics.MaxTrackedCaches)
            {
                overshoots.Add($"round {round}: {named} caches tracked by name, {overflow} overflow");
            }
            else
            {
                Assert.That(named + overflow, Is.EqualTo(CacheMetrics.MaxTrackedCaches + 1), $"round {round}: the last place is taken, the rest overflow");
            }
        }

        Assert.That(overshoots, Is.Empty, $"at most {CacheMetrics.MaxTrackedCaches} names, with {threads} threads adding at once");
    }

    [Test]
    [CancelAfter(60_000)]
    public void ThreadsAddingOneNameTwoPlacesBeforeTheBound_LeaveTheOtherPlaceFree(CancellationToken cancellationToken)
    {
        var threads = Math.Max(4, Environment.ProcessorCount * 2);
        for (var round = 0; round < 200; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var cache = new CacheMetrics();
            for (var i = 0; i < CacheMetrics.MaxTrackedCaches - 2; i++)
            {
                cache.Hit("cache-" + i);
            }

            // Every thread but one looks up the same new name; the last one a name of its own. Two places are free.
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait(cancellationToken);
                cache.Hit(t == threads - 1 ? "own" : "shared");
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());

            var (named, overflow) = HitRatioSeries(cache);
            Assert.That((named, overflow), Is.EqualTo((CacheMetrics.MaxTrackedCaches, 0)), $"round {round}: both names tracked, nothing in the overflow");
        }
    }

    // The hit-ratio gauge's series: those with a cache name, and the overflow one.
    private static (int Named, int Overflow) HitRatioSeries(CacheMetrics cache)
    {
        var (named, overflow) = (0, 0);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == cache.Meter && instrument.Name == "accuscene.cache.hit_ratio")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "otel.metric.overflow")
                {
                    overflow++;
                    return;
                }
            }

            named++;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return (named, overflow);
    }
}
